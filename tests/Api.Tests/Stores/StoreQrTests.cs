using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Stores;

public class StoreQrTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task MiniProgramQr_IsPngFromWxacode_ForStoreAndStaff()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var id = await CreateStoreAsync(admin, "QR01");
        await admin.PostAsJsonAsync($"/api/admin/stores/{id}/staff", new { Code = "U09", Name = "Wu" });

        var store = await admin.GetAsync($"/api/admin/stores/{id}/qrcode.png");
        var staff = await admin.GetAsync($"/api/admin/stores/{id}/qrcode.png?staff=U09");
        var unknownStaff = await admin.GetAsync($"/api/admin/stores/{id}/qrcode.png?staff=NOPE");

        Assert.Equal("image/png", store.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PngSignature, (await store.Content.ReadAsByteArrayAsync())[..8]);
        Assert.Equal(PngSignature, (await staff.Content.ReadAsByteArrayAsync())[..8]);
        Assert.NotEqual(await store.Content.ReadAsByteArrayAsync(), await staff.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknownStaff.StatusCode);
    }

    [Fact]
    public async Task MiniProgramQr_IsServedFromCache_TheSecondTime()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var id = await CreateStoreAsync(admin, "QR02");
        var first = await (await admin.GetAsync($"/api/admin/stores/{id}/qrcode.png")).Content.ReadAsByteArrayAsync();
        // Exhaust the simulator's quota: a second WeChat call would now fail.
        factory.Simulator.Faults.Set(factory.Simulator.Faults.Current with { QuotaExhausted = true });
        try
        {
            var second = await admin.GetAsync($"/api/admin/stores/{id}/qrcode.png");

            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal(first, await second.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            factory.Simulator.Faults.Reset();
        }
    }

    [Fact]
    public async Task OfficialAccountQr_IsPermanent_AndMadeOnce()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var id = await CreateStoreAsync(admin, "QR03");

        var first = await (await admin.PostAsync($"/api/admin/stores/{id}/oa-qrcode", null)).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await admin.PostAsync($"/api/admin/stores/{id}/oa-qrcode", null)).Content.ReadFromJsonAsync<JsonElement>();
        var image = await factory.CreateClient().GetAsync(first.GetProperty("imageUrl").GetString());

        Assert.Equal("store_QR03", first.GetProperty("scene").GetString());
        Assert.Equal(first.GetProperty("ticket").GetString(), second.GetProperty("ticket").GetString());
        Assert.Equal(PngSignature, (await image.Content.ReadAsByteArrayAsync())[..8]);
    }

    [Fact]
    public async Task Qr_Is403_ForMarketing()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var id = await CreateStoreAsync(admin, "QR04");
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        Assert.Equal(HttpStatusCode.Forbidden, (await marketing.GetAsync($"/api/admin/stores/{id}/qrcode.png")).StatusCode);
    }

    private static async Task<long> CreateStoreAsync(HttpClient admin, string code)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/stores", new { Code = code, Name = code, City = "上海" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
