using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.AdminConsole.Pages.Campaigns;

/// <summary>Campaigns, newest first, with their state and audience figures (marketing and admins, like the API).</summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class CampaignListModel(LoyaltyDbContext db) : ConsolePageModel
{
    public List<Campaign> Campaigns { get; private set; } = [];
    public Dictionary<long, string> SegmentNames { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Campaigns = await db.Campaigns.AsNoTracking().OrderByDescending(c => c.Id).Take(500).ToListAsync(ct);
        var ids = Campaigns.Select(c => c.SegmentId).Distinct().ToList();
        SegmentNames = await db.Segments.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
    }
}
