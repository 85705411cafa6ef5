using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using WechatLoyalty.Api.Features.Stores;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.AdminConsole.Pages;

/// <summary>
/// Stores, staff and their join QR codes. The forms call the admin API's own handlers, so the rules (codes fixed,
/// own store only) and the audit entries are the same whichever way a change is made.
/// </summary>
[Authorize(Policy = Policies.StoreManagement)]
public sealed class StoresModel(LoyaltyDbContext db, TimeProvider time, ConsoleLocalizer l) : ConsolePageModel
{
    internal List<StoresApi.StoreResponse> Stores { get; private set; } = [];
    public bool IsAdmin => User.IsInRole(nameof(AdminRole.Admin));

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostCreateStoreAsync(string code, string name, string city, CancellationToken ct) =>
        RunAsync(async () =>
        {
            if (!IsAdmin) throw new DomainException("store.forbidden", l["Only admins create stores."], DomainErrorKind.Forbidden);
            Require(name, 100, city, 50);
            await StoresApi.Create(new StoresApi.CreateStoreRequest(code?.Trim() ?? "", name, city), User, db, time, ct);
            return l.Format("Store {0} created.", code!.Trim());
        }, ct);

    public Task<IActionResult> OnPostUpdateStoreAsync(long storeId, string name, string city, bool isActive, CancellationToken ct) =>
        RunAsync(async () =>
        {
            if (!IsAdmin) throw new DomainException("store.forbidden", l["Only admins edit stores."], DomainErrorKind.Forbidden);
            Require(name, 100, city, 50);
            await StoresApi.Update(storeId, new StoresApi.UpdateStoreRequest(name, city, isActive), User, db, time, ct);
            return l["Store saved."];
        }, ct);

    public Task<IActionResult> OnPostAddStaffAsync(long storeId, string code, string name, CancellationToken ct) =>
        RunAsync(async () =>
        {
            Require(name, 100);
            await StoresApi.AddStaff(storeId, new StoresApi.StaffRequest(code?.Trim() ?? "", name), User, db, time, ct);
            return l.Format("Staff member {0} added.", code!.Trim());
        }, ct);

    public Task<IActionResult> OnPostToggleStaffAsync(long storeId, long staffId, CancellationToken ct) =>
        RunAsync(async () =>
        {
            var store = await StoresApi.LoadVisibleAsync(db, User, storeId, ct);
            var staff = store.Staff.SingleOrDefault(s => s.Id == staffId)
                ?? throw new DomainException("staff.unknown", l["No such staff member in this store."], DomainErrorKind.NotFound);
            db.ChangeTracker.Clear();
            await StoresApi.UpdateStaff(storeId, staffId, new StoresApi.StaffRequest(staff.Code, staff.Name, !staff.IsActive), User, db, time, ct);
            return l["Staff member saved."];
        }, ct);

    private async Task<IActionResult> RunAsync(Func<Task<string>> change, CancellationToken ct)
    {
        try
        {
            Message = await change();
        }
        catch (DomainException ex)
        {
            if (ex.Kind == DomainErrorKind.Forbidden) return Forbidden();
            Error = ex.Message;
            Response.StatusCode = ex.Kind switch { DomainErrorKind.NotFound => 404, DomainErrorKind.Conflict => 409, _ => 400 };
        }
        db.ChangeTracker.Clear();
        await LoadAsync(ct);
        return Page();
    }

    private void Require(string? first, int firstMax, string? second = "-", int secondMax = 1000)
    {
        if (string.IsNullOrWhiteSpace(first) || first.Length > firstMax || string.IsNullOrWhiteSpace(second) || second.Length > secondMax)
            throw new DomainException("store.fields", l["Fill in every field (names up to 100 characters, cities up to 50)."]);
    }

    private async Task LoadAsync(CancellationToken ct) => Stores = (await StoresApi.List(User, db, ct)).Value!;
}
