using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Members;

/// <summary>A phone number as WeChat returns it (purePhoneNumber + countryCode), normalised and masked.</summary>
public sealed record PhoneNumber(string CountryCode, string Number)
{
    public static PhoneNumber Parse(string countryCode, string purePhoneNumber)
    {
        var cc = countryCode.Trim().TrimStart('+');
        var number = purePhoneNumber.Trim();
        if (cc.Length is 0 or > 4 || !cc.All(char.IsAsciiDigit) || number.Length is < 5 or > 15 || !number.All(char.IsAsciiDigit))
            throw new DomainException("phone.invalid", "The phone number is not valid.");
        return new PhoneNumber(cc, number);
    }

    /// <summary>E.164 form: the value encrypted and hashed.</summary>
    public string E164 => $"+{CountryCode}{Number}";

    /// <summary>138****5678: first three and last four digits; shorter numbers keep only the last two.</summary>
    public string Masked => Number.Length >= 11
        ? string.Concat(Number.AsSpan(0, 3), "****", Number.AsSpan(Number.Length - 4))
        : new string('*', Number.Length - 2) + Number[^2..];
}
