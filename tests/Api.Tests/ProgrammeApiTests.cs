using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests;

public class ProgrammeApiTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Get_ReturnsConfiguredPreset_WhenNoVersionWasSaved()
    {
        var programme = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/api/programme");

        Assert.Equal("accessory", programme.GetProperty("preset").GetString());
        Assert.Equal("Asia/Shanghai", programme.GetProperty("timeZone").GetString());
        var tiers = programme.GetProperty("tiers").EnumerateArray().ToList();
        Assert.Equal(["ordinary", "silver", "gold", "diamond"], tiers.Select(t => t.GetProperty("code").GetString()));
        Assert.Equal(["0.00", "3000.00", "5000.00", "10000.00"], tiers.Select(t => t.GetProperty("thresholdYuan").GetString()));
        Assert.Equal(24, programme.GetProperty("points").GetProperty("expiryMonths").GetInt32());
    }
}

public class MallProgrammeApiTests(MallProgrammeApiTests.Factory factory) : IClassFixture<MallProgrammeApiTests.Factory>
{
    public class Factory : LoyaltyApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Programme:Preset", "mall")];
    }

    [Fact]
    public async Task Get_ReturnsMallLadder_WhenMallPresetConfigured()
    {
        var programme = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/api/programme");

        Assert.Equal("mall", programme.GetProperty("preset").GetString());
        Assert.Equal(["ordinary", "gold", "platinum", "diamond"],
            programme.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("code").GetString()));
        Assert.Equal(7, programme.GetProperty("points").GetProperty("pendingDays").GetInt32());
    }
}
