using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WechatLoyalty.Simulator.Tests.Infrastructure;
using static WechatLoyalty.Simulator.Tests.Infrastructure.SimulatorFixture;

namespace WechatLoyalty.Simulator.Tests;

public class MiniProgramTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static string Code2SessionPath(string code, string secret = MiniSecret) =>
        $"/sns/jscode2session?appid={MiniAppId}&secret={secret}&js_code={code}&grant_type=authorization_code";

    [Fact]
    public async Task Code2Session_ReturnsOpenIdUnionIdAndSessionKey_WhenCodeFresh()
    {
        var user = await fixture.CreateUserAsync();
        var code = await fixture.LoginCodeAsync(user.GetProperty("unionid").GetString()!);

        var session = await fixture.GetAsync(Code2SessionPath(code));

        Assert.Equal(user.GetProperty("mini_openid").GetString(), session.GetProperty("openid").GetString());
        Assert.Equal(user.GetProperty("unionid").GetString(), session.GetProperty("unionid").GetString());
        Assert.Equal(16, Convert.FromBase64String(session.GetProperty("session_key").GetString()!).Length);
        Assert.False(session.TryGetProperty("errcode", out _));
    }

    [Fact]
    public async Task Code2Session_Returns40163_WhenCodeReused()
    {
        var user = await fixture.CreateUserAsync();
        var code = await fixture.LoginCodeAsync(user.GetProperty("unionid").GetString()!);
        await fixture.GetAsync(Code2SessionPath(code));

        var reuse = await fixture.GetAsync(Code2SessionPath(code));

        Assert.Equal(40163, ErrCode(reuse));
    }

    [Fact]
    public async Task Code2Session_Returns40029_WhenCodeOlderThanFiveMinutes()
    {
        var user = await fixture.CreateUserAsync();
        var code = await fixture.LoginCodeAsync(user.GetProperty("unionid").GetString()!);
        fixture.Sim.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        try
        {
            Assert.Equal(40029, ErrCode(await fixture.GetAsync(Code2SessionPath(code))));
        }
        finally
        {
            fixture.Sim.Clock.ResetOffset();
        }
    }

    [Fact]
    public async Task Code2Session_Returns40029_WhenCodeUnknown_And40125_WhenSecretWrong()
    {
        var user = await fixture.CreateUserAsync();
        var code = await fixture.LoginCodeAsync(user.GetProperty("unionid").GetString()!);

        Assert.Equal(40029, ErrCode(await fixture.GetAsync(Code2SessionPath("never-issued"))));
        Assert.Equal(40125, ErrCode(await fixture.GetAsync(Code2SessionPath(code, "bad-secret"))));
    }

    [Fact]
    public async Task GetPhoneNumber_ReturnsCamelCasePhoneInfo_AndCodeIsSingleUse()
    {
        var user = await fixture.CreateUserAsync(new { phone = "13912345678" });
        var code = (await fixture.PostAsync($"/sim/users/{user.GetProperty("unionid").GetString()}/phone-code")).GetProperty("code").GetString();
        var token = await fixture.MiniTokenAsync();

        var result = await fixture.PostAsync($"/wxa/business/getuserphonenumber?access_token={token}", new { code });
        var reuse = await fixture.PostAsync($"/wxa/business/getuserphonenumber?access_token={token}", new { code });

        var info = result.GetProperty("phone_info");
        Assert.Equal("13912345678", info.GetProperty("purePhoneNumber").GetString());
        Assert.Equal("86", info.GetProperty("countryCode").GetString());
        Assert.Equal(MiniAppId, info.GetProperty("watermark").GetProperty("appid").GetString());
        Assert.Equal(40029, ErrCode(reuse));
    }

    [Fact]
    public async Task ShareInfo_IsEncryptedWithCurrentSessionKey_AndCarriesWatermark()
    {
        var user = await fixture.CreateUserAsync();
        var id = user.GetProperty("unionid").GetString()!;
        var session = await fixture.GetAsync(Code2SessionPath(await fixture.LoginCodeAsync(id)));
        var sessionKey = Convert.FromBase64String(session.GetProperty("session_key").GetString()!);

        var share = await fixture.PostAsync($"/sim/users/{id}/share-info", new { group = "family" });
        var enter = await fixture.PostAsync($"/sim/users/{id}/share-info", new { group = "family", api = "getGroupEnterInfo" });

        var shared = Decrypt(sessionKey, share);
        var entered = Decrypt(sessionKey, enter);
        Assert.Equal(share.GetProperty("sim_open_gid").GetString(), shared.GetProperty("openGId").GetString());
        Assert.Equal(shared.GetProperty("openGId").GetString(), entered.GetProperty("opengid").GetString());
        Assert.Equal(MiniAppId, shared.GetProperty("watermark").GetProperty("appid").GetString());
    }

    [Fact]
    public async Task ShareInfo_CannotBeDecryptedWithOldKey_WhenLoginRotatedSessionKey()
    {
        var user = await fixture.CreateUserAsync();
        var id = user.GetProperty("unionid").GetString()!;
        var old = Convert.FromBase64String((await fixture.GetAsync(Code2SessionPath(await fixture.LoginCodeAsync(id)))).GetProperty("session_key").GetString()!);
        await fixture.PostAsync($"/sim/users/{id}/login", new { rotate_session_key = true });

        var share = await fixture.PostAsync($"/sim/users/{id}/share-info", new { group = "family" });

        Assert.ThrowsAny<Exception>(() => Decrypt(old, share));
    }

    private static JsonElement Decrypt(byte[] sessionKey, JsonElement openData)
    {
        using var aes = Aes.Create();
        aes.Key = sessionKey;
        var plain = aes.DecryptCbc(Convert.FromBase64String(openData.GetProperty("encryptedData").GetString()!),
            Convert.FromBase64String(openData.GetProperty("iv").GetString()!), PaddingMode.PKCS7);
        return JsonDocument.Parse(Encoding.UTF8.GetString(plain)).RootElement.Clone();
    }
}
