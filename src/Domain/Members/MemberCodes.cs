using System.Security.Cryptography;

namespace WechatLoyalty.Domain.Members;

/// <summary>Codes people read or type: no 0/O or 1/I/L, so a clerk cannot misread them.</summary>
public static class MemberCodes
{
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>8 characters from 31 symbols ≈ 2^39.6: unguessable by scanning, short enough for a 32-char QR scene.</summary>
    public static string NewReferralCode() => RandomNumberGenerator.GetString(Alphabet, 8);

    /// <summary>Member numbers are random too, so they leak neither the member count nor the join order.</summary>
    public static string NewMemberNo() => "M" + RandomNumberGenerator.GetString("0123456789", 11);
}
