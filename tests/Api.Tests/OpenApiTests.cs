using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests;

public class OpenApiTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Document_ListsTheApi_WhenRequested()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/programme", out _));
    }

    [Fact]
    public async Task ScalarUi_ServesHtml_WhenBrowsed()
    {
        var response = await factory.CreateClient().GetAsync("/scalar/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync());
    }
}
