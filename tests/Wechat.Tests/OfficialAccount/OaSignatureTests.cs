using WechatLoyalty.Wechat.OfficialAccount;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.OfficialAccount;

public class OaSignatureTests
{
    [Fact]
    public void VerifyUrl_AcceptsPublishedSignature_AndRejectsNegativeCase()
    {
        var v = Vectors.Load("c1-10");
        var expected = v.Expected();

        Assert.Equal(expected.GetProperty("signature").GetString(), OaSignature.Compute(v.Input("token"), v.Input("timestamp"), v.Input("nonce")));
        Assert.True(OaSignature.VerifyUrl(v.Input("token"), expected.GetProperty("signature").GetString(), v.Input("timestamp"), v.Input("nonce")));
        Assert.False(OaSignature.VerifyUrl(v.Input("token"), expected.GetProperty("negative_case").GetProperty("signature").GetString(), v.Input("timestamp"), v.Input("nonce")));
    }

    [Fact]
    public void Compute_MatchesOurFixedVector()
    {
        Assert.Equal("2130c6cb803e9b492c7bb495f6eb8b8328fef67d", OaSignature.Compute("testtoken", "1735700000", "123456789"));
    }

    [Fact]
    public void VerifyUrl_AcceptsUppercaseSignature_WhenOtherwiseEqual()
    {
        Assert.True(OaSignature.VerifyUrl("testtoken", "2130C6CB803E9B492C7BB495F6EB8B8328FEF67D", "1735700000", "123456789"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2130c6cb803e9b492c7bb495f6eb8b8328fef67")]
    public void VerifyUrl_ReturnsFalse_WhenSignatureMissingOrTruncated(string? signature)
    {
        Assert.False(OaSignature.VerifyUrl("testtoken", signature, "1735700000", "123456789"));
    }

    [Fact]
    public void Compute_SortsOrdinally_WhenPartsDifferInCase()
    {
        // Ordinal puts "B" (0x42) before "a" (0x61); a culture-aware sort would not.
        // Ordinal: "B" (0x42) < "a" (0x61) < "~" (0x7E) → sha1("Ba~"); a culture-aware sort would give "~aB".
        Assert.Equal("7791fdcc9061ac1c62b503ef228f4a1c0d2dacde", OaSignature.Compute("a", "B", "~"));
    }
}
