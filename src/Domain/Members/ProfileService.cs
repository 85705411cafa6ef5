using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Security;

namespace WechatLoyalty.Domain.Members;

public sealed record ProfileUpdate(string? Nickname, Birthday? Birthday, Gender? Gender);

/// <summary>A member's own data: phone, profile, deletion.</summary>
public sealed class ProfileService(LoyaltyDbContext db, PersonalDataProtector protector, ProgrammeClock clock, ILogger<ProfileService> logger)
{
    public const string PhonePurpose = "member-phone";

    /// <summary>Binds a verified phone number. One phone, one member: another member's number is a 409.</summary>
    public async Task<string> SetPhoneAsync(long memberId, PhoneNumber phone, CancellationToken ct)
    {
        var hash = protector.Hash(phone.E164, PhonePurpose);
        var member = await LoadAsync(memberId, ct);
        if (await db.Members.AnyAsync(m => m.PhoneHash == hash && m.Id != memberId, ct))
            throw PhoneTaken();
        member.PhoneCipher = protector.Encrypt(phone.E164, PhonePurpose);
        member.PhoneHash = hash;
        member.PhoneMasked = phone.Masked;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            throw PhoneTaken();
        }
        logger.LogInformation("Member {MemberId} bound a phone number", memberId);
        return phone.Masked;
    }

    /// <summary>
    /// Nickname and gender change freely. The birthday, once set, changes at most once a year, so birthday
    /// gifts cannot be collected twice by moving the date.
    /// </summary>
    public async Task UpdateAsync(long memberId, ProfileUpdate update, CancellationToken ct)
    {
        var member = await LoadAsync(memberId, ct);
        var now = clock.UtcNow.UtcDateTime;
        if (update.Nickname is not null) member.Nickname = update.Nickname.Trim();
        if (update.Gender is { } gender) member.Gender = gender;
        if (update.Birthday is { } birthday && !IsSame(member, birthday))
        {
            if (member.BirthMonth is not null && member.BirthdayChangedAt is { } changed && changed.AddYears(1) > now)
            {
                throw new DomainException("birthday.locked",
                    $"The birthday can be changed again after {clock.DateOf(changed.AddYears(1)):yyyy-MM-dd}.", DomainErrorKind.Conflict);
            }
            member.BirthMonth = birthday.Month;
            member.BirthDay = birthday.Day;
            member.BirthYear = birthday.Year;
            member.BirthdayChangedAt = now;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Deletes the account: personal data is erased, identities are released (the person can join again as a new
    /// member), sessions end. The member row, its ledger and payments stay, anonymous, for accounting.
    /// </summary>
    public async Task DeleteAsync(long memberId, CancellationToken ct)
    {
        await db.ExecuteAsync(async token =>
        {
            var member = await LoadAsync(memberId, token);
            member.Nickname = null;
            member.UnionId = null;
            member.BirthDay = member.BirthMonth = member.BirthYear = null;
            member.BirthdayChangedAt = null;
            member.PhoneCipher = member.PhoneHash = null;
            member.PhoneMasked = null;
            member.Gender = Gender.Unknown;
            member.DeletedAt = clock.UtcNow.UtcDateTime;
            await db.SaveChangesAsync(token);
            var identities = db.MemberIdentities.Where(i => i.MemberId == memberId);
            await db.MemberSessions.Where(s => identities.Select(i => i.Id).Contains(s.IdentityId)).ExecuteDeleteAsync(token);
            await identities.ExecuteUpdateAsync(s => s.SetProperty(i => i.MemberId, (long?)null).SetProperty(i => i.SessionKeyCipher, (byte[]?)null), token);
            return true;
        }, ct);
        logger.LogInformation("Member {MemberId} deleted the account", memberId);
    }

    private async Task<Member> LoadAsync(long memberId, CancellationToken ct) =>
        await db.Members.SingleOrDefaultAsync(m => m.Id == memberId && m.DeletedAt == null, ct)
        ?? throw new DomainException("member.unknown", "No such member.", DomainErrorKind.NotFound);

    private static bool IsSame(Member m, Birthday b) => m.BirthMonth == b.Month && m.BirthDay == b.Day && m.BirthYear == b.Year;

    private static DomainException PhoneTaken() =>
        new("phone.taken", "This phone number is already bound to another member.", DomainErrorKind.Conflict);
}
