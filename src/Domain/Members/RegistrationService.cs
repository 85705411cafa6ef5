using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Referrals;

namespace WechatLoyalty.Domain.Members;

public sealed record RegisterCommand(
    string TermsVersion,
    string PrivacyVersion,
    LaunchScene Scene,
    string? Nickname,
    Birthday? Birthday,
    Gender Gender);

public sealed record RegistrationResult(long MemberId, bool Created);

/// <summary>
/// Turns a logged-in WeChat identity into a member. Idempotent and race-safe: the identity row is locked for the
/// duration, so two taps register once; two identities of one person (same UnionID) meet at the unique UnionID
/// index, and the loser links to the winner's member.
/// </summary>
public sealed class RegistrationService(
    LoyaltyDbContext db, ProgrammeRulesStore rulesStore, ReferralAttribution referrals, Points.PointsLedger ledger, ProgrammeClock clock,
    ILogger<RegistrationService> logger)
{
    public async Task<RegistrationResult> RegisterAsync(long identityId, RegisterCommand command, string fallbackPreset, CancellationToken ct)
    {
        var rules = await rulesStore.GetActiveAsync(fallbackPreset, ct);
        try
        {
            return await db.ExecuteAsync(token => RegisterLockedAsync(identityId, command, rules, token), ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            // Another identity of the same person registered a moment ago: this time we find and link its member.
            db.ChangeTracker.Clear();
            return await db.ExecuteAsync(token => RegisterLockedAsync(identityId, command, rules, token), ct);
        }
    }

    private async Task<RegistrationResult> RegisterLockedAsync(long identityId, RegisterCommand command, ProgrammeRules rules, CancellationToken ct)
    {
        // Not composed further (ToList), so the locking read reaches MariaDB as written.
        var identity = (await db.MemberIdentities
            .FromSqlInterpolated($"SELECT * FROM member_identities WHERE id = {identityId} FOR UPDATE")
            .ToListAsync(ct)).SingleOrDefault()
            ?? throw new DomainException("identity.unknown", "Log in again.", DomainErrorKind.NotFound);
        if (identity.MemberId is { } existing) return new RegistrationResult(existing, Created: false);

        if (identity.UnionId is not null)
        {
            var samePerson = await db.Members.Where(m => m.UnionId == identity.UnionId && m.DeletedAt == null)
                .Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
            if (samePerson is { } memberId)
            {
                identity.MemberId = memberId;
                await db.SaveChangesAsync(ct);
                return new RegistrationResult(memberId, Created: false);
            }
        }

        var now = clock.UtcNow.UtcDateTime;
        var (storeId, staffId) = await ResolveSceneAsync(command.Scene, ct);
        var member = new Member
        {
            MemberNo = MemberCodes.NewMemberNo(),
            ReferralCode = MemberCodes.NewReferralCode(),
            UnionId = identity.UnionId,
            Nickname = command.Nickname,
            Gender = command.Gender,
            BirthMonth = command.Birthday?.Month,
            BirthDay = command.Birthday?.Day,
            BirthYear = command.Birthday?.Year,
            BirthdayChangedAt = command.Birthday is null ? null : now,
            TierCode = rules.Ladder.Entry.Code,
            TierReachedAt = now,
            JoinSource = storeId is not null ? JoinSource.StoreQr : JoinSource.Organic,
            StoreId = storeId,
            StaffId = staffId,
            TermsVersion = command.TermsVersion,
            TermsAcceptedAt = now,
            JoinedAt = now,
        };
        member.Identities.Add(identity);
        db.Members.Add(member);
        await db.SaveChangesAsync(ct);

        db.MemberConsents.AddRange(
            new MemberConsent { MemberId = member.Id, Kind = ConsentKind.Terms, Version = command.TermsVersion, AcceptedAt = now },
            new MemberConsent { MemberId = member.Id, Kind = ConsentKind.Privacy, Version = command.PrivacyVersion, AcceptedAt = now });
        db.TierChanges.Add(new TierChange { MemberId = member.Id, ToTier = member.TierCode, Reason = TierChangeReason.Joined, ChangedAt = now });
        await db.SaveChangesAsync(ct);
        // Referral attribution (or its recorded refusal) and welcome points commit with the registration.
        await referrals.AttributeAsync(member, identity, command.Scene.ReferralCode, rules, ct);
        if (rules.WelcomePoints > 0)
        {
            // The programme's welcome reward (rules §1; default 0): once per member, whatever the entry path.
            await ledger.CreditAsync(new Points.PointsCredit(member.Id, rules.WelcomePoints, Points.PointSource.Welcome, $"welcome:{member.Id}",
                clock.UtcNow.UtcDateTime, Points.PointsRules.ExpiresAtUtc(clock.UtcNow, rules.PointsExpiryMonths, clock),
                Reason: "Welcome reward for joining"), ct);
        }
        logger.LogInformation("Member {MemberId} joined via {JoinSource} (store {StoreId}, staff {StaffId})",
            member.Id, member.JoinSource, storeId, staffId);
        return new RegistrationResult(member.Id, Created: true);
    }

    /// <summary>
    /// Store attribution from the scene. An unknown store or staff never fails the join: the customer becomes a
    /// member without that attribution, and the mismatch is logged for the store team. Referral codes are
    /// <see cref="ReferralAttribution"/>'s.
    /// </summary>
    private async Task<(long? StoreId, long? StaffId)> ResolveSceneAsync(LaunchScene scene, CancellationToken ct)
    {
        long? storeId = null, staffId = null;
        if (scene.StoreCode is not null)
        {
            storeId = await db.Stores.Where(s => s.Code == scene.StoreCode && s.IsActive).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
            if (storeId is null) logger.LogWarning("Join scene names unknown store {StoreCode}; joining without attribution", scene.StoreCode);
        }
        if (storeId is not null && scene.StaffCode is not null)
        {
            staffId = await db.Staff.Where(s => s.StoreId == storeId && s.Code == scene.StaffCode && s.IsActive)
                .Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
            if (staffId is null) logger.LogWarning("Join scene names unknown staff {StaffCode} of store {StoreId}", scene.StaffCode, storeId);
        }
        return (storeId, staffId);
    }
}
