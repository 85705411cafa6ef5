using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Stores;

public class StoresApiTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Create_AddsStoreAndStaff_WhenAdmin()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var code = NewCode();

        var created = await admin.PostAsJsonAsync("/api/admin/stores", new { Code = code, Name = "南京西路店", City = "上海" });
        var store = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = store.GetProperty("id").GetInt64();
        var staff = await admin.PostAsJsonAsync($"/api/admin/stores/{id}/staff", new { Code = "U01", Name = "Li Na" });
        var loaded = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/stores/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, staff.StatusCode);
        Assert.Equal("南京西路店", loaded.GetProperty("name").GetString());
        Assert.Equal("U01", loaded.GetProperty("staff")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Create_Is409_WhenCodeTaken()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var code = NewCode();
        await admin.PostAsJsonAsync("/api/admin/stores", new { Code = code, Name = "A", City = "B" });

        var again = await admin.PostAsJsonAsync("/api/admin/stores", new { Code = code, Name = "A", City = "B" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Theory]
    [InlineData("X")]
    [InlineData("THIRTEENCHARS")]
    [InlineData("SH 01")]
    [InlineData("店01")]
    public async Task Create_Is400_WhenCodeCannotGoIntoAScene(string code)
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);

        var response = await admin.PostAsJsonAsync("/api/admin/stores", new { Code = code, Name = "A", City = "B" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Create_Is403_ForMarketing()
    {
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        var response = await marketing.PostAsJsonAsync("/api/admin/stores", new { Code = NewCode(), Name = "A", City = "B" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task StoreManager_SeesOwnStoreOnly_And404ForOthers()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var own = await (await admin.PostAsJsonAsync("/api/admin/stores", new { Code = NewCode(), Name = "Own", City = "C" })).Content.ReadFromJsonAsync<JsonElement>();
        var other = await (await admin.PostAsJsonAsync("/api/admin/stores", new { Code = NewCode(), Name = "Other", City = "C" })).Content.ReadFromJsonAsync<JsonElement>();
        var manager = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.StoreManager, own.GetProperty("id").GetInt64());

        var list = await manager.GetFromJsonAsync<JsonElement>("/api/admin/stores");
        var otherResponse = await manager.GetAsync($"/api/admin/stores/{other.GetProperty("id").GetInt64()}");

        Assert.Equal(["Own"], list.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, otherResponse.StatusCode);
    }

    [Fact]
    public async Task Malformed_JsonBody_Is400ProblemDetails()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);

        var response = await admin.PostAsync("/api/admin/stores", new StringContent("{\"code\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.malformed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task MissingRequiredField_Is400ValidationProblem()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);

        var response = await admin.PostAsJsonAsync("/api/admin/stores", new { Code = NewCode(), City = "C" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static string NewCode() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
}
