using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Security;

namespace WechatLoyalty.Domain.Tests;

public class PhoneNumberTests
{
    [Fact]
    public void Masked_ShowsFirstThreeAndLastFour_ForChineseMobile()
    {
        var phone = PhoneNumber.Parse("86", "13812345678");

        Assert.Equal("138****5678", phone.Masked);
        Assert.Equal("+8613812345678", phone.E164);
    }

    [Theory]
    [InlineData("86", "1381234567x")]
    [InlineData("86", "123")]
    [InlineData("", "13812345678")]
    [InlineData("8a", "13812345678")]
    public void Parse_Throws_WhenNotDigits(string cc, string number)
    {
        Assert.Throws<DomainException>(() => PhoneNumber.Parse(cc, number));
    }
}

public class LaunchSceneTests
{
    [Fact]
    public void Parse_ReadsStoreStaffAndReferral()
    {
        var scene = LaunchScene.Parse("s=SH001&u=U01&r=AB12CD34");

        Assert.Equal(new LaunchScene("SH001", "U01", "AB12CD34"), scene);
    }

    [Fact]
    public void Parse_IgnoresUnknownKeysAndUnsafeValues()
    {
        var scene = LaunchScene.Parse("x=1&s=SH 001&u=<script>&ref=AB12CD34");

        Assert.Equal(new LaunchScene(null, null, "AB12CD34"), scene);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    public void Parse_IsEmpty_WhenNothingUsable(string? raw)
    {
        Assert.Equal(LaunchScene.Empty, LaunchScene.Parse(raw));
    }

    [Fact]
    public void ForStore_FitsWxacodeSceneLimit_WithLongestCodes()
    {
        Assert.True(LaunchScene.ForStore("ABCDEFGHIJKL", "ABCDEFGHIJKL").Length <= 32);
    }
}

public class BirthdayTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Fact]
    public void Create_AcceptsFeb29_WithoutYear()
    {
        Assert.Equal(new Birthday(2, 29, null), Birthday.Create(2, 29, null, Today));
    }

    [Theory]
    [InlineData(2, 30, null)]
    [InlineData(13, 1, null)]
    [InlineData(4, 31, null)]
    [InlineData(2, 29, 2023)]
    [InlineData(1, 1, 2030)]
    [InlineData(1, 1, 1850)]
    public void Create_Throws_WhenNotARealPlausibleDate(int month, int day, int? year)
    {
        Assert.Throws<DomainException>(() => Birthday.Create(month, day, year, Today));
    }

    [Theory]
    [InlineData(2027, 28)]
    [InlineData(2028, 29)]
    public void CelebratedIn_MovesFeb29ToFeb28_InCommonYears(int year, int day)
    {
        Assert.Equal(new DateOnly(year, 2, day), new Birthday(2, 29, null).CelebratedIn(year));
    }
}

public class DynamicMemberCodeTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 5, TimeSpan.Zero));
    private readonly PersonalDataProtector _protector = new(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Verify_ReturnsMember_WhenCodeIsFresh()
    {
        var codes = new DynamicMemberCode(_protector, _time);
        var (code, _) = codes.Issue(4242);

        Assert.Equal(20, code.Length);
        Assert.Equal(4242, codes.Verify(code));
    }

    [Fact]
    public void Verify_AcceptsPreviousStep_AndRejectsOlder()
    {
        var codes = new DynamicMemberCode(_protector, _time);
        var (code, _) = codes.Issue(7);

        _time.Advance(TimeSpan.FromSeconds(DynamicMemberCode.StepSeconds));
        Assert.Equal(7, codes.Verify(code));
        _time.Advance(TimeSpan.FromSeconds(DynamicMemberCode.StepSeconds));
        Assert.Null(codes.Verify(code));
    }

    [Fact]
    public void Verify_RejectsForgedCode_WhenMemberIdIsChanged()
    {
        var codes = new DynamicMemberCode(_protector, _time);
        var (code, _) = codes.Issue(7);
        var forged = "0000000008" + code[10..];

        Assert.Null(codes.Verify(forged));
    }

    [Fact]
    public void Verify_RejectsCode_FromAnotherServerKey()
    {
        var (code, _) = new DynamicMemberCode(_protector, _time).Issue(7);
        var other = new DynamicMemberCode(new PersonalDataProtector(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)), _time);

        Assert.Null(other.Verify(code));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("abcdefghijklmnopqrst")]
    public void Verify_ReturnsNull_WhenMalformed(string? code)
    {
        Assert.Null(new DynamicMemberCode(_protector, _time).Verify(code));
    }
}

public class PersonalDataProtectorTests
{
    private readonly PersonalDataProtector _protector = new(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Decrypt_RoundTrips_WithSamePurpose()
    {
        var cipher = _protector.Encrypt("+8613812345678", "phone");

        Assert.Equal("+8613812345678", _protector.Decrypt(cipher, "phone"));
        Assert.Equal(-1, cipher.AsSpan().IndexOf("13812345678"u8));
    }

    [Fact]
    public void Decrypt_Throws_WhenPurposeDiffers()
    {
        var cipher = _protector.Encrypt("secret", "phone");

        Assert.ThrowsAny<CryptographicException>(() => _protector.Decrypt(cipher, "session"));
    }

    [Fact]
    public void Encrypt_UsesFreshNonce_EachTime()
    {
        Assert.NotEqual(_protector.Encrypt("x", "p"), _protector.Encrypt("x", "p"));
    }

    [Fact]
    public void Hash_IsStable_AndKeyed()
    {
        var other = new PersonalDataProtector(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));

        Assert.Equal(_protector.Hash("+86138", "phone"), _protector.Hash("+86138", "phone"));
        Assert.NotEqual(_protector.Hash("+86138", "phone"), other.Hash("+86138", "phone"));
    }
}
