using System.Security.Cryptography;
using System.Text;
using WechatLoyalty.Wechat.MiniProgram;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.MiniProgram;

public class OpenDataCryptoTests
{
    [Fact]
    public void Decrypt_ReturnsOfficialDemoUser_WhenGivenWxBizDataCryptVector()
    {
        var v = Vectors.Load("c2-01");

        using var data = OpenDataCrypto.Decrypt(v.Input("session_key"), v.Input("iv"), v.Input("encrypted_data"), v.Input("appid"));

        Assert.Equal("oGZUI0egBJY1zhBYw2KhdUfwVJJE", data.RootElement.GetProperty("openId").GetString());
        Assert.Equal("ocMvos6NjeKLIBqg5Mr9QjxrP1FA", data.RootElement.GetProperty("unionId").GetString());
        Assert.Equal(v.Expected().GetProperty("plaintext").GetString(), data.RootElement.GetRawText());
    }

    [Fact]
    public void Decrypt_ThrowsAppIdMismatch_WhenWatermarkIsForeign()
    {
        var v = Vectors.Load("c2-01");

        var ex = Assert.Throws<OpenDataException>(() =>
            OpenDataCrypto.Decrypt(v.Input("session_key"), v.Input("iv"), v.Input("encrypted_data"), "wx0000000000000001"));

        Assert.Equal(OpenDataError.AppIdMismatch, ex.Reason);
    }

    [Theory]
    [InlineData("openGId")]
    [InlineData("opengid")]
    public void DecryptGroupId_ReturnsGroup_ForBothSpellings(string property)
    {
        var (key, iv, data) = Encrypt($"{{\"{property}\":\"G_TEST\",\"watermark\":{{\"appid\":\"wx0000000000000001\",\"timestamp\":1735700000}}}}");

        Assert.Equal("G_TEST", OpenDataCrypto.DecryptGroupId(key, iv, data, "wx0000000000000001"));
    }

    [Fact]
    public void DecryptGroupId_ThrowsAppIdMismatch_WhenWatermarkAppIdDiffers()
    {
        var (key, iv, data) = Encrypt("{\"opengid\":\"G_TEST\",\"watermark\":{\"appid\":\"wx_other\",\"timestamp\":1}}");

        var ex = Assert.Throws<OpenDataException>(() => OpenDataCrypto.DecryptGroupId(key, iv, data, "wx0000000000000001"));

        Assert.Equal(OpenDataError.AppIdMismatch, ex.Reason);
    }

    [Fact]
    public void Decrypt_ThrowsDecryptionFailedOrMalformed_WhenSessionKeyRotated()
    {
        var (_, iv, data) = Encrypt("{\"opengid\":\"G_TEST\",\"watermark\":{\"appid\":\"wx0000000000000001\",\"timestamp\":1}}");
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

        var ex = Assert.Throws<OpenDataException>(() => OpenDataCrypto.Decrypt(otherKey, iv, data, "wx0000000000000001"));

        // A wrong key usually breaks the padding; when the garbage happens to pad well it is not JSON.
        Assert.Contains(ex.Reason, new[] { OpenDataError.DecryptionFailed, OpenDataError.MalformedJson });
    }

    [Fact]
    public void Decrypt_ThrowsMalformedInput_WhenIvIsNotSixteenBytes()
    {
        var (key, _, data) = Encrypt("{}");

        var ex = Assert.Throws<OpenDataException>(() => OpenDataCrypto.Decrypt(key, Convert.ToBase64String(new byte[8]), data, "wx"));

        Assert.Equal(OpenDataError.MalformedInput, ex.Reason);
    }

    private static (string Key, string Iv, string Data) Encrypt(string json)
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = key;
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(json), iv, PaddingMode.PKCS7);
        return (Convert.ToBase64String(key), Convert.ToBase64String(iv), Convert.ToBase64String(cipher));
    }
}
