using System.Buffers.Binary;
using System.Globalization;
using WechatLoyalty.Domain.Security;

namespace WechatLoyalty.Domain.Members;

/// <summary>
/// The rotating code on the member card that a store's POS scans: 20 digits = member id (10) ‖ time step (4)
/// ‖ MAC (6). A step is 30 seconds and the current and previous steps are accepted, so a code lives about 60 s;
/// a screenshot is useless a minute later and a code cannot be forged without the server's key.
/// </summary>
public sealed class DynamicMemberCode(PersonalDataProtector protector, TimeProvider time)
{
    public const int StepSeconds = 30;

    public (string Code, DateTimeOffset ExpiresAt) Issue(long memberId)
    {
        var step = CurrentStep();
        var expires = DateTimeOffset.FromUnixTimeSeconds((step + 2) * StepSeconds);
        return (Format(memberId, step), expires);
    }

    /// <summary>The member id, or null when the code is malformed, forged or older than one step.</summary>
    public long? Verify(string? code)
    {
        if (code is null || code.Length != 20 || !code.All(char.IsAsciiDigit)) return null;
        var memberId = long.Parse(code.AsSpan(0, 10), CultureInfo.InvariantCulture);
        var stepSuffix = int.Parse(code.AsSpan(10, 4), CultureInfo.InvariantCulture);
        var current = CurrentStep();
        foreach (var step in (ReadOnlySpan<long>)[current, current - 1])
        {
            if (step % 10_000 == stepSuffix && string.Equals(Format(memberId, step), code, StringComparison.Ordinal))
                return memberId;
        }
        return null;
    }

    private long CurrentStep() => time.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;

    private string Format(long memberId, long step)
    {
        Span<byte> data = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(data, memberId);
        BinaryPrimitives.WriteInt64BigEndian(data[8..], step);
        var mac = protector.Mac(data);
        var macDigits = (BinaryPrimitives.ReadUInt32BigEndian(mac) & 0x7FFFFFFF) % 1_000_000;
        return string.Create(CultureInfo.InvariantCulture, $"{memberId:0000000000}{step % 10_000:0000}{macDigits:000000}");
    }
}
