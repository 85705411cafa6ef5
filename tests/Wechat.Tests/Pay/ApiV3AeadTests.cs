using System.Text;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.Pay;

public class ApiV3AeadTests
{
    private const string F2Plaintext =
        "{\"mchid\":\"1900000001\",\"appid\":\"wx0000000000000001\",\"out_trade_no\":\"T20250101001\",\"transaction_id\":\"4200000000202501010000000001\",\"trade_type\":\"JSAPI\",\"trade_state\":\"SUCCESS\",\"trade_state_desc\":\"ok\",\"bank_type\":\"OTHERS\",\"attach\":\"member:42\",\"success_time\":\"2025-01-01T12:00:00+08:00\",\"payer\":{\"openid\":\"o_test_openid\"},\"amount\":{\"total\":100,\"payer_total\":100,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";

    internal const string F2Ciphertext =
        "B30fzOdDO7ngE1BTkCBQ60yQNdmq4I3zDM46ZDsYsPJXYvar1OI6fq8HManc+WIiOaPvhvL/FHa2vvylLGrRwoYpslZ1NDlWQPRazyh1wAPkgvM6IiisLCB16LxgERhai32USNiApyXbi8Q/GZbwAJ2rjX0HLsnKDrvtctWA9gJXfiRBTDxrr5+/mwVS0m8zgon1SR1dtaDJCiGuhQjC293aE7YJm7uiz1MhoJSZ0YU5c+ENtsEVdZzYWwCphdUsecKJYPNSBmUlRWvQcqpc15Rpzf3671vpbFoFNvB7UYnMOd9/OS4AJluot+hyBB310gt6He6SehR7/4+92u+tKC1PX7mmhK2siSv2TGyI8zuJDDiO58hr0WMUw0aY8oSaV58N4yEnYHI+0UKOptQ3xxoVZDaqKW4KWFAby9pcd6fa3qYVDe4OZCMtUzc83NRUks4kAbve41nwfwwEr8y5iVKMS6DcSpbjWcJWg7CugC9+Ujxfm4v/uCp8pmY6+wNibCVpHMjYL9hV8l4GDgAAaVN6YLgCARPPP5XwEVTE4Q==";

    private static readonly byte[] F2Key = Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef");

    [Fact]
    public void Encrypt_MatchesOurFixedVector_IncludingTag()
    {
        var ciphertext = ApiV3Aead.Encrypt(F2Key, "n0nce12chars", "transaction", Encoding.UTF8.GetBytes(F2Plaintext));

        Assert.Equal(F2Ciphertext, ciphertext);
        Assert.Equal("69537a60b8020113cf3f95f01154c4e1", Convert.ToHexStringLower(Convert.FromBase64String(ciphertext)[^16..]));
    }

    [Fact]
    public void Decrypt_ReturnsPlaintext_WhenGivenOurFixedVector()
    {
        Assert.Equal(F2Plaintext, Encoding.UTF8.GetString(ApiV3Aead.Decrypt(F2Key, "n0nce12chars", "transaction", F2Ciphertext)));
    }

    [Fact]
    public void Decrypt_ReturnsMessage_WhenGivenWechatpayJavaVector()
    {
        var v = Vectors.Load("c3-02");
        var key = Encoding.UTF8.GetBytes(v.Input("apiv3_key"));

        var plaintext = ApiV3Aead.Decrypt(key, v.Input("nonce"), v.Input("associated_data"), v.Input("ciphertext"));

        Assert.Equal(v.Expected().GetProperty("plaintext").GetString(), Encoding.UTF8.GetString(plaintext));
        Assert.Equal(v.Input("ciphertext"), ApiV3Aead.Encrypt(key, v.Input("nonce"), v.Input("associated_data"), plaintext));
    }

    [Fact]
    public void Decrypt_ThrowsDecryptionFailed_ForEachPublishedNegativeCase()
    {
        var v = Vectors.Load("c3-02");
        var key = Encoding.UTF8.GetBytes(v.Input("apiv3_key"));
        var cases = v.Expected().GetProperty("negative_cases").EnumerateArray().ToList();
        Assert.NotEmpty(cases);

        foreach (var negative in cases)
        {
            var nonce = negative.TryGetProperty("nonce", out var n) ? n.GetString()! : v.Input("nonce");
            var aad = negative.TryGetProperty("associated_data", out var a) ? a.GetString()! : v.Input("associated_data");
            var ex = Assert.Throws<WechatPayVerificationException>(() => ApiV3Aead.Decrypt(key, nonce, aad, v.Input("ciphertext")));
            Assert.Equal(WechatPayVerificationError.DecryptionFailed, ex.Reason);
        }
    }

    [Fact]
    public void Decrypt_ThrowsDecryptionFailed_WhenCiphertextByteFlipped()
    {
        var bytes = Convert.FromBase64String(F2Ciphertext);
        bytes[5] ^= 1;

        var ex = Assert.Throws<WechatPayVerificationException>(() =>
            ApiV3Aead.Decrypt(F2Key, "n0nce12chars", "transaction", Convert.ToBase64String(bytes)));

        Assert.Equal(WechatPayVerificationError.DecryptionFailed, ex.Reason);
    }

    [Fact]
    public void Decrypt_ThrowsDecryptionFailed_WhenKeyIsWrong()
    {
        var wrong = Encoding.UTF8.GetBytes("ffffffffffffffffffffffffffffffff");

        var ex = Assert.Throws<WechatPayVerificationException>(() => ApiV3Aead.Decrypt(wrong, "n0nce12chars", "transaction", F2Ciphertext));

        Assert.Equal(WechatPayVerificationError.DecryptionFailed, ex.Reason);
    }
}
