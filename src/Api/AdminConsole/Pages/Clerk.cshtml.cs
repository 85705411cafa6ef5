using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Features.Payments;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Jobs.Hosting;
using WechatLoyalty.Wechat.Pay;

namespace WechatLoyalty.Api.AdminConsole.Pages;

/// <summary>
/// The clerk's page: scan the member's dynamic code, then record the WeChat Pay purchase exactly as the POS API
/// does (amount from WeChat Pay's order query; idempotent by transaction id; own store only).
/// </summary>
[Authorize(Policy = Policies.Pos)]
public sealed class ClerkModel(
    LoyaltyDbContext db, DynamicMemberCode codes, WechatPayClient pay, PaymentRecorder recorder, TimeProvider time,
    IOptions<WechatPayOptions> payOptions, IOptions<ProgrammeOptions> programme, ConsoleLocalizer l) : ConsolePageModel
{
    public sealed record FoundMember(long Id, string MemberNo, string? Nickname, string TierCode, long PointsBalance);

    [BindProperty] public string? MemberCode { get; set; }
    public FoundMember? Found { get; private set; }
    public bool NeedsStore => OnlyStore is null;
    public List<string> Stores { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadStoresAsync(ct);

    public async Task<IActionResult> OnPostLookupAsync(CancellationToken ct)
    {
        await LoadStoresAsync(ct);
        if (!await FindAsync(ct)) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostRecordAsync(string? transactionId, string? storeCode, CancellationToken ct)
    {
        await LoadStoresAsync(ct);
        if (!await FindAsync(ct) || MemberCode is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (string.IsNullOrWhiteSpace(transactionId) || transactionId.Trim().Length > 32)
        {
            Error = l["Enter the WeChat Pay transaction id."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        try
        {
            var result = await PosPurchasesApi.Record(new PosPurchasesApi.PosPurchaseRequest(MemberCode, transactionId.Trim(), NeedsStore ? storeCode : null),
                User, db, codes, pay, recorder, time, payOptions, programme, ct);
            var r = result.Value!;
            Message = l.Format("Recorded {0} CNY for member {1}: {2} points.", (r.TotalFen / 100m).ToString("0.00"), Found!.MemberNo, r.PointsEarned);
            db.ChangeTracker.Clear();
            await FindAsync(ct);
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
            Response.StatusCode = ex.Kind switch
            {
                DomainErrorKind.NotFound => 404, DomainErrorKind.Forbidden => 403, DomainErrorKind.Conflict => 409, _ => 400,
            };
        }
        return Page();
    }

    private async Task<bool> FindAsync(CancellationToken ct)
    {
        var code = MemberCode?.Trim();
        if (code is not { Length: 20 } || codes.Verify(code) is not { } memberId)
        {
            Error = l["The member code is invalid or expired; ask the member to refresh the card and scan again."];
            return false;
        }
        MemberCode = code;
        Found = await db.Members.AsNoTracking().Where(m => m.Id == memberId && m.DeletedAt == null)
            .Select(m => new FoundMember(m.Id, m.MemberNo, m.Nickname, m.TierCode, m.PointsBalance)).SingleOrDefaultAsync(ct);
        if (Found is null) Error = l["This member no longer exists."];
        return Found is not null;
    }

    private async Task LoadStoresAsync(CancellationToken ct)
    {
        if (NeedsStore) Stores = await db.Stores.AsNoTracking().Where(s => s.IsActive).OrderBy(s => s.Code).Select(s => s.Code).ToListAsync(ct);
    }
}
