using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Features.Stores;

/// <summary>Stores and their staff (console). Admins edit; store managers see their own store.</summary>
internal static class StoresApi
{
    public static RouteGroupBuilder MapStoresApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/stores").WithTags("Stores").RequireAuthorization(Policies.AnyStaff);
        group.MapGet("/", List).WithSummary("Stores the caller may see, with their staff.");
        group.MapGet("/{id:long}", Get);
        group.MapPost("/", Create).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:long}", Update).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:long}/staff", AddStaff).RequireAuthorization(Policies.StoreManagement);
        group.MapPut("/{id:long}/staff/{staffId:long}", UpdateStaff).RequireAuthorization(Policies.StoreManagement);
        app.MapGet("/api/admin/stats/joins", JoinStats).WithTags("Stores").RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Members who joined per programme day, store and staff member.");
        return group;
    }

    public sealed record StaffResponse(long Id, string Code, string Name, bool IsActive);

    public sealed record StoreResponse(long Id, string Code, string Name, string City, bool IsActive, IReadOnlyList<StaffResponse> Staff);

    public sealed record CreateStoreRequest([Required] string Code, [Required, MaxLength(100)] string Name, [Required, MaxLength(50)] string City);

    public sealed record UpdateStoreRequest([Required, MaxLength(100)] string Name, [Required, MaxLength(50)] string City, bool IsActive);

    public sealed record StaffRequest([Required] string Code, [Required, MaxLength(100)] string Name, bool IsActive = true);

    internal static async Task<Ok<List<StoreResponse>>> List(ClaimsPrincipal user, LoyaltyDbContext db, CancellationToken ct)
    {
        var only = user.RestrictedStoreId();
        var stores = await db.Stores.AsNoTracking().Where(s => only == null || s.Id == only).OrderBy(s => s.Code)
            .Select(s => new StoreResponse(s.Id, s.Code, s.Name, s.City, s.IsActive,
                s.Staff.OrderBy(x => x.Code).Select(x => new StaffResponse(x.Id, x.Code, x.Name, x.IsActive)).ToList()))
            .ToListAsync(ct);
        return TypedResults.Ok(stores);
    }

    internal static async Task<Ok<StoreResponse>> Get(long id, ClaimsPrincipal user, LoyaltyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await LoadVisibleAsync(db, user, id, ct)));

    internal static async Task<Created<StoreResponse>> Create(CreateStoreRequest request, ClaimsPrincipal user, LoyaltyDbContext db, TimeProvider time, CancellationToken ct)
    {
        RequireCode(request.Code, "store");
        if (await db.Stores.AnyAsync(s => s.Code == request.Code, ct))
            throw new DomainException("store.code_taken", $"Store code '{request.Code}' is already used.", DomainErrorKind.Conflict);
        // The audit entry needs the new id: both inserts in one transaction, so neither exists without the other.
        var store = await db.ExecuteAsync(async token =>
        {
            var created = new Store { Code = request.Code, Name = request.Name.Trim(), City = request.City.Trim(), CreatedAt = time.GetUtcNow().UtcDateTime };
            db.Stores.Add(created);
            await db.SaveChangesAsync(token);
            db.AuditLog.Add(AuditEntry.Create(user.Identity!.Name!, AuditActions.StoreCreate, "store", created.Id, null, Snapshot(created), created.CreatedAt));
            await db.SaveChangesAsync(token);
            return created;
        }, ct);
        return TypedResults.Created($"/api/admin/stores/{store.Id}", ToResponse(store));
    }

    internal static async Task<Ok<StoreResponse>> Update(long id, UpdateStoreRequest request, ClaimsPrincipal user, LoyaltyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var store = await LoadVisibleAsync(db, user, id, ct);
        var before = Snapshot(store);
        store.Name = request.Name.Trim();
        store.City = request.City.Trim();
        store.IsActive = request.IsActive;
        db.AuditLog.Add(AuditEntry.Create(user.Identity!.Name!, AuditActions.StoreUpdate, "store", store.Id, before, Snapshot(store), time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(store));
    }

    internal static async Task<Created<StaffResponse>> AddStaff(long id, StaffRequest request, ClaimsPrincipal user, LoyaltyDbContext db, TimeProvider time, CancellationToken ct)
    {
        RequireCode(request.Code, "staff");
        var staff = await db.ExecuteAsync(async token =>
        {
            var store = await LoadVisibleAsync(db, user, id, token);
            if (store.Staff.Any(s => s.Code == request.Code))
                throw new DomainException("staff.code_taken", $"Staff code '{request.Code}' is already used in this store.", DomainErrorKind.Conflict);
            var added = new Staff { Code = request.Code, Name = request.Name.Trim(), IsActive = request.IsActive, CreatedAt = time.GetUtcNow().UtcDateTime };
            store.Staff.Add(added);
            await db.SaveChangesAsync(token);
            db.AuditLog.Add(AuditEntry.Create(user.Identity!.Name!, AuditActions.StaffCreate, "staff", added.Id, null,
                new { StoreId = id, added.Code, added.Name, added.IsActive }, added.CreatedAt));
            await db.SaveChangesAsync(token);
            return added;
        }, ct);
        return TypedResults.Created($"/api/admin/stores/{id}/staff/{staff.Id}", new StaffResponse(staff.Id, staff.Code, staff.Name, staff.IsActive));
    }

    internal static async Task<Ok<StaffResponse>> UpdateStaff(long id, long staffId, StaffRequest request, ClaimsPrincipal user, LoyaltyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var store = await LoadVisibleAsync(db, user, id, ct);
        var staff = store.Staff.SingleOrDefault(s => s.Id == staffId)
            ?? throw new DomainException("staff.unknown", "No such staff member in this store.", DomainErrorKind.NotFound);
        if (staff.Code != request.Code)
            throw new DomainException("staff.code_fixed", "A staff code cannot change: printed QR codes carry it.");
        var before = new { StoreId = id, staff.Code, staff.Name, staff.IsActive };
        staff.Name = request.Name.Trim();
        staff.IsActive = request.IsActive;
        db.AuditLog.Add(AuditEntry.Create(user.Identity!.Name!, AuditActions.StaffUpdate, "staff", staff.Id, before,
            new { StoreId = id, staff.Code, staff.Name, staff.IsActive }, time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new StaffResponse(staff.Id, staff.Code, staff.Name, staff.IsActive));
    }

    internal static async Task<Ok<IReadOnlyList<JoinCount>>> JoinStats(
        DateOnly from, DateOnly to, long? storeId, ClaimsPrincipal user, JoinStatistics stats, CancellationToken ct)
    {
        var only = user.RestrictedStoreId();
        if (only is not null && storeId is not null && storeId != only)
            throw new DomainException("store.forbidden", "You can see your own store only.", DomainErrorKind.Forbidden);
        return TypedResults.Ok(await stats.GetAsync(from, to, only ?? storeId, ct));
    }

    /// <summary>Loads a store the caller may see; any other id is a 404, so ids of other stores are not probed.</summary>
    internal static async Task<Store> LoadVisibleAsync(LoyaltyDbContext db, ClaimsPrincipal user, long id, CancellationToken ct)
    {
        var only = user.RestrictedStoreId();
        return await db.Stores.Include(s => s.Staff).SingleOrDefaultAsync(s => s.Id == id && (only == null || s.Id == only), ct)
            ?? throw new DomainException("store.unknown", "No such store.", DomainErrorKind.NotFound);
    }

    private static object Snapshot(Store s) => new { s.Code, s.Name, s.City, s.IsActive };

    private static void RequireCode(string code, string what)
    {
        if (!Store.IsValidCode(code))
            throw new DomainException($"{what}.code_invalid", $"A {what} code is 2–12 letters, digits, '-' or '_' (it goes into QR scenes).");
    }

    private static StoreResponse ToResponse(Store s) => new(s.Id, s.Code, s.Name, s.City, s.IsActive,
        [.. s.Staff.OrderBy(x => x.Code).Select(x => new StaffResponse(x.Id, x.Code, x.Name, x.IsActive))]);
}
