using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin.Imports;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Security;

namespace WechatLoyalty.Api.AdminConsole.Pages.Members;

/// <summary>
/// Member search. Staff never see a full phone number: they search by the full number (matched through its keyed
/// hash), the masked form (138****5678), the last four digits, the nickname or the member number.
/// Store managers find their own store's members only.
/// </summary>
[Authorize(Policy = Policies.BackOffice)]
public sealed class MembersModel(LoyaltyDbContext db, PersonalDataProtector protector) : ConsolePageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public sealed record Row(long Id, string MemberNo, string? Nickname, string? PhoneMasked, string TierCode, long PointsBalance, DateTime JoinedAt, string? StoreCode);

    public List<Row>? Results { get; private set; }

    /// <summary>The same search as a CSV (same store scoping, same cap; masked phones only).</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        await OnGetAsync(ct);
        return ConsoleCsv.File("members.csv", ["member_no", "nickname", "phone_masked", "tier", "points", "joined_at_utc", "store"],
            (Results ?? []).Select(r => new object?[] { r.MemberNo, r.Nickname, r.PhoneMasked, r.TierCode, r.PointsBalance, r.JoinedAt, r.StoreCode }));
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var q = Q?.Trim();
        if (string.IsNullOrEmpty(q)) return;
        if (q.Length > 64) q = q[..64];
        var phoneHash = MemberImportRows.ParsePhone(q) is { } phone ? protector.Hash(phone.E164, Domain.Members.ProfileService.PhonePurpose) : null;
        var lastFour = q.Length == 4 && q.All(char.IsAsciiDigit) ? "****" + q : null;
        var only = OnlyStore;
        var query = db.Members.AsNoTracking().Where(m => m.DeletedAt == null && (only == null || m.StoreId == only));
        query = query.Where(m => m.MemberNo == q || m.PhoneMasked == q || (m.Nickname != null && m.Nickname.Contains(q))
            || (phoneHash != null && m.PhoneHash == phoneHash) || (lastFour != null && m.PhoneMasked != null && m.PhoneMasked.EndsWith(lastFour)));
        Results = await query.OrderByDescending(m => m.JoinedAt).Take(PageSize)
            .Select(m => new Row(m.Id, m.MemberNo, m.Nickname, m.PhoneMasked, m.TierCode, m.PointsBalance, m.JoinedAt,
                db.Stores.Where(s => s.Id == m.StoreId).Select(s => s.Code).FirstOrDefault()))
            .ToListAsync(ct);
    }
}
