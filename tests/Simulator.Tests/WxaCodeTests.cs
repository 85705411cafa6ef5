using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Simulator.Tests.Infrastructure;
using static WechatLoyalty.Simulator.Tests.Infrastructure.SimulatorFixture;

namespace WechatLoyalty.Simulator.Tests;

public class WxaCodeTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private async Task<HttpResponseMessage> RequestAsync(object body) =>
        await fixture.Http.PostAsync($"/wxa/getwxacodeunlimit?access_token={await fixture.MiniTokenAsync()}", JsonContent.Create(body));

    [Fact]
    public async Task GetUnlimited_ReturnsPng_WhenSceneValid()
    {
        using var response = await RequestAsync(new { scene = "s=ST001&r=AB12CD", page = "pages/join/index", width = 280 });
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.True(bytes.Length > 200);
    }

    [Theory]
    [InlineData("s=ST001&r=AB12CD&x=0123456789ABCDEF")] // 33 characters
    [InlineData("门店001")]
    [InlineData("a%20b")]
    [InlineData("")]
    public async Task GetUnlimited_ReturnsJsonError40097WithHttp200_WhenSceneInvalid(string scene)
    {
        using var response = await RequestAsync(new { scene });

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(40097, ErrCode(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement));
    }

    [Theory]
    [InlineData("/pages/index/index")]
    [InlineData("pages/index/index?ref=1")]
    public async Task GetUnlimited_Returns41030_WhenPageHasLeadingSlashOrQuery(string page)
    {
        using var response = await RequestAsync(new { scene = "ST001", page });

        Assert.Equal(41030, ErrCode(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement));
    }

    [Fact]
    public async Task GetUnlimited_Returns45009_WhenQuotaExhausted()
    {
        await fixture.SetFaultsAsync(new { quota_exhausted = true });
        try
        {
            using var response = await RequestAsync(new { scene = "ST001" });

            Assert.Equal(45009, ErrCode(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement));
        }
        finally
        {
            await fixture.SetFaultsAsync(new { quota_exhausted = false });
        }
    }

    [Fact]
    public async Task GetUnlimited_Returns40001_WhenTokenUnknown()
    {
        using var response = await fixture.Http.PostAsync("/wxa/getwxacodeunlimit?access_token=forged", JsonContent.Create(new { scene = "ST001" }));

        Assert.Equal(40001, ErrCode(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement));
    }
}
