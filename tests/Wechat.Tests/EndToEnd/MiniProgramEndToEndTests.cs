using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Wechat.MiniProgram;

namespace WechatLoyalty.Wechat.Tests.EndToEnd;

/// <summary>Every MiniProgramClient call and open-data decryption, over real HTTP against the simulator.</summary>
public sealed class MiniProgramEndToEndTests(SimulatorBackendFixture fixture) : IClassFixture<SimulatorBackendFixture>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private MiniProgramClient Client => fixture.Backend.GetRequiredService<MiniProgramClient>();

    [Fact]
    public async Task Code2Session_ReturnsOpenIdUnionIdAndSessionKey_WhenCodeComesFromWxLogin()
    {
        var user = await fixture.CreateUserAsync();
        var code = await fixture.LoginCodeAsync(user);

        var session = await Client.Code2SessionAsync(code);

        Assert.Equal(user.MiniOpenId, session.Openid);
        Assert.Equal(user.UnionId, session.Unionid);
        Assert.Equal(16, Convert.FromBase64String(session.SessionKey).Length);
    }

    [Fact]
    public async Task Code2Session_Throws40163WithoutRetry_WhenCodeWasAlreadyUsed()
    {
        var user = await fixture.CreateUserAsync();
        var code = await fixture.LoginCodeAsync(user);
        await Client.Code2SessionAsync(code);

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client.Code2SessionAsync(code));

        Assert.Equal(40163, ex.ErrCode);
        Assert.Equal(WechatErrorKind.InvalidCode, ex.Kind);
        Assert.NotNull(ex.Rid);
        Assert.Equal(2, fixture.Wire.Count("sns/jscode2session", Uri.EscapeDataString(code)));
    }

    [Fact]
    public async Task Code2Session_IsSentOnce_WhenSimulatorIsBusy()
    {
        var user = await fixture.CreateUserAsync();
        var code = await fixture.LoginCodeAsync(user);
        await fixture.SimPostAsync("/sim/faults", new { error_rate = 1.0 });
        try
        {
            var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client.Code2SessionAsync(code));

            // -1 is retried for other calls; a single-use code is never sent twice.
            Assert.Equal(WechatErrorCodes.SystemBusy, ex.ErrCode);
            Assert.Equal(1, fixture.Wire.Count("sns/jscode2session", Uri.EscapeDataString(code)));
        }
        finally
        {
            await fixture.SimPostAsync("/sim/faults", new { error_rate = 0.0 });
        }
    }

    [Fact]
    public async Task GetUserPhoneNumber_ReturnsTheUsersPhone_WhenCodeComesFromPhoneButton()
    {
        var user = await fixture.CreateUserAsync();
        var code = (await fixture.SimPostAsync($"/sim/users/{user.UnionId}/phone-code")).GetProperty("code").GetString()!;

        var result = await Client.GetUserPhoneNumberAsync(code);

        Assert.Equal(user.Phone, result.PhoneInfo!.PurePhoneNumber);
        Assert.Equal(user.Phone, result.PhoneInfo.PhoneNumber);
        Assert.Equal("86", result.PhoneInfo.CountryCode);
        Assert.Equal(fixture.MiniAppId, result.PhoneInfo.Watermark!.Appid);
    }

    [Fact]
    public async Task GetUserPhoneNumber_Throws40029_WhenPhoneCodeIsReused()
    {
        var user = await fixture.CreateUserAsync();
        var code = (await fixture.SimPostAsync($"/sim/users/{user.UnionId}/phone-code")).GetProperty("code").GetString()!;
        await Client.GetUserPhoneNumberAsync(code);

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client.GetUserPhoneNumberAsync(code));

        Assert.Equal(40029, ex.ErrCode);
    }

    [Fact]
    public async Task GetUnlimitedQrCode_ReturnsPngBytes_WhenRequestIsValid()
    {
        var image = await Client.GetUnlimitedQrCodeAsync(new WxaGetWxaCodeUnlimitRequest { Scene = "s=ST001&r=42", Page = "pages/join/index", Width = 430 });

        Assert.Equal("image/png", image.ContentType);
        Assert.True(image.Content.Length > 100);
        Assert.Equal(PngSignature, image.Content[..8]);
    }

    [Fact]
    public async Task GetUnlimitedQrCode_ThrowsWithSimulatorErrcode_WhenEnvVersionIsInvalid()
    {
        var ex = await Assert.ThrowsAsync<WechatApiException>(() =>
            Client.GetUnlimitedQrCodeAsync(new WxaGetWxaCodeUnlimitRequest { Scene = "s=ST001", EnvVersion = "production" }));

        Assert.Equal(40097, ex.ErrCode);
        Assert.Equal("wxa/getwxacodeunlimit", ex.Api);
    }

    [Fact]
    public async Task SendSubscribeMessage_Throws43101ThenSucceedsOnceAndConsumesCredit_WhenUserConsentsOnce()
    {
        var user = await fixture.CreateUserAsync();
        const string template = "TPL-points-credited";
        var request = new CgibinMessageSubscribeSendRequest
        {
            Touser = user.MiniOpenId,
            TemplateId = template,
            Page = "pages/points/index?from=msg",
            MiniprogramState = "formal",
            Data = new() { ["thing1"] = new("消费积分到账"), ["number2"] = new("128") },
        };

        var refused = await Assert.ThrowsAsync<WechatApiException>(() => Client.SendSubscribeMessageAsync(request));
        Assert.Equal(43101, refused.ErrCode);
        Assert.Equal(WechatErrorKind.NoSubscriptionCredit, refused.Kind);

        await fixture.SimPostAsync($"/sim/users/{user.UnionId}/subscribe-consent", new { decisions = new Dictionary<string, string> { [template] = "accept" } });
        await Client.SendSubscribeMessageAsync(request);

        var consumed = await Assert.ThrowsAsync<WechatApiException>(() => Client.SendSubscribeMessageAsync(request));
        Assert.Equal(43101, consumed.ErrCode);
        lock (fixture.Sim.State.Gate)
        {
            var sent = fixture.Sim.State.Messages.Where(m => m.ToUser == user.MiniOpenId).Select(m => m.ErrCode).ToList();
            Assert.Equal(new[] { 43101, 0, 43101 }, sent);
        }
    }

    [Fact]
    public async Task DecryptGroupId_ReturnsSimulatorsOpenGId_WhenSessionKeyComesFromCode2Session()
    {
        var user = await fixture.CreateUserAsync();
        var session = await Client.Code2SessionAsync(await fixture.LoginCodeAsync(user));
        var share = await fixture.SimPostAsync($"/sim/users/{user.UnionId}/share-info", new { group = "family-chat" });
        var enter = await fixture.SimPostAsync($"/sim/users/{user.UnionId}/share-info", new { group = "family-chat", api = "getGroupEnterInfo" });

        var fromShare = OpenDataCrypto.DecryptGroupId(session.SessionKey, share.GetProperty("iv").GetString()!,
            share.GetProperty("encryptedData").GetString()!, fixture.MiniAppId);
        var fromEnter = OpenDataCrypto.DecryptGroupId(session.SessionKey, enter.GetProperty("iv").GetString()!,
            enter.GetProperty("encryptedData").GetString()!, fixture.MiniAppId);

        Assert.Equal(share.GetProperty("sim_open_gid").GetString(), fromShare);
        Assert.StartsWith("tG", fromShare, StringComparison.Ordinal);
        Assert.Equal(fromShare, fromEnter);
    }

    [Fact]
    public async Task DecryptGroupId_FailsWithStaleKey_WhenReLoginRotatedSessionKey()
    {
        var user = await fixture.CreateUserAsync();
        var stale = (await Client.Code2SessionAsync(await fixture.LoginCodeAsync(user))).SessionKey;
        var fresh = (await Client.Code2SessionAsync(await fixture.LoginCodeAsync(user, rotateSessionKey: true))).SessionKey;
        var share = await fixture.SimPostAsync($"/sim/users/{user.UnionId}/share-info", new { group = "store-fans" });
        var iv = share.GetProperty("iv").GetString()!;
        var data = share.GetProperty("encryptedData").GetString()!;

        Assert.NotEqual(stale, fresh);
        var ex = Assert.Throws<OpenDataException>(() => OpenDataCrypto.DecryptGroupId(stale, iv, data, fixture.MiniAppId));
        // A wrong AES key almost always breaks the padding; the rare valid padding leaves garbage that is not JSON.
        Assert.Contains(ex.Reason, new[] { OpenDataError.DecryptionFailed, OpenDataError.MalformedJson });
        Assert.Equal(share.GetProperty("sim_open_gid").GetString(), OpenDataCrypto.DecryptGroupId(fresh, iv, data, fixture.MiniAppId));
    }

    [Fact]
    public async Task DecryptGroupId_RejectsPayload_WhenExpectedAppIdIsTheOfficialAccount()
    {
        var user = await fixture.CreateUserAsync();
        var session = await Client.Code2SessionAsync(await fixture.LoginCodeAsync(user));
        var share = await fixture.SimPostAsync($"/sim/users/{user.UnionId}/share-info", new { group = "g1" });

        var ex = Assert.Throws<OpenDataException>(() => OpenDataCrypto.DecryptGroupId(session.SessionKey, share.GetProperty("iv").GetString()!,
            share.GetProperty("encryptedData").GetString()!, fixture.OaAppId));

        Assert.Equal(OpenDataError.AppIdMismatch, ex.Reason);
    }
}
