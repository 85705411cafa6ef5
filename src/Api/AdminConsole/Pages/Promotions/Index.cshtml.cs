using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Features.Campaigns;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Campaigns.Promotions;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Stores;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Api.AdminConsole.Pages.Promotions;

/// <summary>Points promotions (double-points days): list, create and cancel, through PromotionsApi's own checks.</summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class PromotionsModel(
    LoyaltyDbContext db, ProgrammeRulesStore rulesStore, ProgrammeClock clock, PromotionCache cache, IOptions<ProgrammeOptions> programme,
    ConsoleLocalizer l) : ConsolePageModel
{
    public List<PointsPromotion> Promotions { get; private set; } = [];
    public List<Store> Stores { get; private set; } = [];
    public IReadOnlyList<string> TierCodes { get; private set; } = [];
    public DateOnly Today => clock.Today;

    public sealed class PromotionInput
    {
        public string? Name { get; set; }
        public DateOnly? StartsOn { get; set; }
        public DateOnly? EndsOn { get; set; }
        public long[]? StoreIds { get; set; }
        public string[]? TierCodes { get; set; }
        public decimal? Multiplier { get; set; } = 2m;
        public bool Compound { get; set; }
    }

    [BindProperty] public PromotionInput Input { get; set; } = new();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => RunAsync(async () =>
    {
        await PromotionsApi.Create(new PromotionsApi.PromotionRequest(Input.Name, Input.StartsOn, Input.EndsOn, Input.StoreIds, Input.TierCodes,
            Input.Multiplier, Input.Compound), User, db, rulesStore, clock, cache, programme, ct);
        Input = new PromotionInput();
        ModelState.Clear();
        return l["Promotion created."];
    }, ct);

    public Task<IActionResult> OnPostCancelAsync(long id, CancellationToken ct) => RunAsync(async () =>
    {
        await PromotionsApi.Cancel(id, User, db, clock, cache, ct);
        return l["Promotion cancelled."];
    }, ct);

    public static long[] StoreIdsOf(PointsPromotion p) => JsonSerializer.Deserialize<long[]>(p.StoreIdsJson) ?? [];

    public static string[] TiersOf(PointsPromotion p) => JsonSerializer.Deserialize<string[]>(p.TierCodesJson) ?? [];

    private async Task<IActionResult> RunAsync(Func<Task<string>> change, CancellationToken ct)
    {
        try
        {
            Message = await change();
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
            Response.StatusCode = ex.Kind switch { DomainErrorKind.NotFound => 404, DomainErrorKind.Conflict => 409, _ => 400 };
        }
        db.ChangeTracker.Clear();
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Promotions = await db.PointsPromotions.AsNoTracking().OrderByDescending(p => p.Id).Take(500).ToListAsync(ct);
        Stores = await db.Stores.AsNoTracking().OrderBy(s => s.Code).ToListAsync(ct);
        TierCodes = (await rulesStore.GetActiveAsync(programme.Value.Preset, ct)).Ladder.Tiers.Select(t => t.Code).ToList();
    }
}
