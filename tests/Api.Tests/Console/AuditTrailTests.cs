using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>The admin JSON APIs write the audit trail with the change; a rejected change writes neither.</summary>
public class AuditTrailTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task PointsAdjustment_IsAuditedOnce_EvenWhenReplayed()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var member = await factory.WithDbAsync(async db =>
        {
            var m = TestData.Member("ordinary", DateTime.UtcNow);
            db.Members.Add(m);
            await db.SaveChangesAsync();
            return m;
        });
        var request = new { points = 40, reason = "Goodwill", requestId = Guid.NewGuid() };

        var first = await admin.PostAsJsonAsync($"/api/admin/members/{member.Id}/points/adjustments", request);
        var again = await admin.PostAsJsonAsync($"/api/admin/members/{member.Id}/points/adjustments", request);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var audit = await factory.WithDbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.EntityType == "member" && a.EntityId == member.Id.ToString()).ToListAsync());
        var entry = Assert.Single(audit);
        Assert.Equal(AuditActions.PointsAdjust, entry.Action);
        Assert.Contains("\"pointsBalance\":0", entry.BeforeJson);
        Assert.Contains("\"reason\":\"Goodwill\"", entry.AfterJson);
    }

    [Fact]
    public async Task StoreUpdate_AuditsBeforeAndAfter_AndRejectedCreateAuditsNothing()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var created = await admin.PostAsJsonAsync("/api/admin/stores", new { code = "AU01", name = "Old name", city = "Shanghai" });
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        var updated = await admin.PutAsJsonAsync($"/api/admin/stores/{id}", new { name = "New name", city = "Shanghai", isActive = true });
        var duplicate = await admin.PostAsJsonAsync("/api/admin/stores", new { code = "AU01", name = "Again", city = "Shanghai" });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict), (created.StatusCode, updated.StatusCode, duplicate.StatusCode));
        var audit = await factory.WithDbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.EntityType == "store").OrderBy(a => a.Id).ToListAsync());
        Assert.Equal([AuditActions.StoreCreate, AuditActions.StoreUpdate], audit.Select(a => a.Action));
        Assert.Contains("Old name", audit[1].BeforeJson);
        Assert.Contains("New name", audit[1].AfterJson);
    }
}
