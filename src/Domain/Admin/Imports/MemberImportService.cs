using System.Linq.Expressions;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Security;

namespace WechatLoyalty.Domain.Admin.Imports;

/// <summary>
/// Imports an existing member base. Upload stores the file (idempotent by its SHA-256); the background run validates
/// every row, and only when all are valid creates the members, their tier history and opening balances (through
/// the ledger) in ONE transaction: a file is imported whole or not at all. People already members (same phone
/// hash) are skipped, so re-importing an overlapping file changes nothing for them. Progress is committed on a
/// separate connection so the console can show it while the import transaction is open.
/// </summary>
public sealed class MemberImportService(
    LoyaltyDbContext db, PersonalDataProtector protector, ProgrammeRulesStore rulesStore, PointsLedger ledger, ProgrammeClock clock,
    IServiceScopeFactory scopes, ILogger<MemberImportService> logger)
{
    public const int MaxFileBytes = 20 * 1024 * 1024;
    private const int Batch = 500;

    public async Task<(MemberImport Import, bool Created)> UploadAsync(string fileName, byte[] content, string actor, CancellationToken ct)
    {
        if (content.Length == 0) throw new DomainException("import.empty", "The file is empty.");
        if (content.Length > MaxFileBytes) throw new DomainException("import.too_large", "At most 20 MB per file; split the file.");
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new DomainException("import.encoding", "The file is not UTF-8 text; save it as \"CSV UTF-8\".");
        }
        var hash = SHA256.HashData(content);
        if (await db.Set<MemberImport>().AsNoTracking().FirstOrDefaultAsync(i => i.FileHash == hash, ct) is { } existing)
            return (existing, false);
        var import = new MemberImport
        {
            FileName = Path.GetFileName(fileName) is { Length: > 0 and <= 200 } n ? n : "members.csv",
            FileHash = hash, Content = content, CreatedBy = actor, CreatedAt = clock.UtcNow.UtcDateTime, Status = MemberImportStatus.Queued,
        };
        db.Add(import);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            // The same file uploaded twice at once: the other upload won.
            db.ChangeTracker.Clear();
            return (await db.Set<MemberImport>().AsNoTracking().SingleAsync(i => i.FileHash == hash, ct), false);
        }
        return (import, true);
    }

    /// <summary>Runs (or resumes after a crash) an import. A finished import is left as it is.</summary>
    public async Task RunAsync(long importId, string fallbackPreset, CancellationToken ct)
    {
        var import = await db.Set<MemberImport>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, ct)
            ?? throw new DomainException("import.unknown", "No such import.", DomainErrorKind.NotFound);
        if (import.IsFinished) return;

        var rules = await rulesStore.GetActiveAsync(fallbackPreset, ct);
        var (rows, errors, total) = MemberImportRows.Parse(Encoding.UTF8.GetString(import.Content), rules.Ladder, clock.Today);
        await ProgressAsync(importId, s => s.SetProperty(i => i.Status, MemberImportStatus.Validating).SetProperty(i => i.TotalRows, total), ct);

        if (errors.Count > 0)
        {
            var errorRows = errors.Select(e => e.Line).Distinct().Count();
            var report = MemberImportRows.ErrorReport(errors);
            var finished = clock.UtcNow.UtcDateTime;
            await ProgressAsync(importId, s => s
                .SetProperty(i => i.Status, MemberImportStatus.Rejected).SetProperty(i => i.ErrorRows, errorRows)
                .SetProperty(i => i.ErrorReport, report).SetProperty(i => i.ProcessedRows, total)
                .SetProperty(i => i.FinishedAt, finished), ct);
            logger.LogInformation("Member import {ImportId} rejected: {Errors} problem(s) in {Rows} row(s)", importId, errors.Count, total);
            return;
        }

        await ProgressAsync(importId, s => s.SetProperty(i => i.Status, MemberImportStatus.Importing).SetProperty(i => i.ProcessedRows, 0), ct);
        try
        {
            var (imported, skipped) = await db.ExecuteAsync(token => ImportAllAsync(import, rows, rules, token), ct);
            logger.LogInformation("Member import {ImportId} completed: {Imported} imported, {Skipped} already members", importId, imported, skipped);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Member import {ImportId} failed; nothing was imported", importId);
            var failedAt = clock.UtcNow.UtcDateTime;
            await ProgressAsync(importId, s => s.SetProperty(i => i.Status, MemberImportStatus.Failed)
                .SetProperty(i => i.Failure, "The import failed unexpectedly; nothing was imported. It can be retried from the jobs dashboard.")
                .SetProperty(i => i.FinishedAt, failedAt), ct);
            throw;
        }
    }

    private async Task<(int Imported, int Skipped)> ImportAllAsync(MemberImport import, List<ImportRow> rows, ProgrammeRules rules, CancellationToken ct)
    {
        var now = clock.UtcNow;
        int imported = 0, skipped = 0, processed = 0;
        foreach (var chunk in rows.Chunk(Batch))
        {
            var hashes = chunk.ToDictionary(r => r, r => protector.Hash(r.Phone.E164, ProfileService.PhonePurpose));
            var hashList = hashes.Values.ToList();
            var taken = (await db.Members.Where(m => m.PhoneHash != null && hashList.Contains(m.PhoneHash)).Select(m => m.PhoneHash!).ToListAsync(ct))
                .Select(Convert.ToHexString).ToHashSet();
            var created = new List<(ImportRow Row, Member Member)>();
            foreach (var row in chunk)
            {
                if (taken.Contains(Convert.ToHexString(hashes[row]))) { skipped++; continue; }
                var joinedAt = row.JoinedOn is { } d ? clock.StartOfDayUtc(d) : now.UtcDateTime;
                var member = new Member
                {
                    MemberNo = MemberCodes.NewMemberNo(), ReferralCode = MemberCodes.NewReferralCode(), Nickname = row.Name,
                    BirthMonth = row.Birthday?.Month, BirthDay = row.Birthday?.Day, BirthYear = row.Birthday?.Year,
                    PhoneCipher = protector.Encrypt(row.Phone.E164, ProfileService.PhonePurpose), PhoneHash = hashes[row], PhoneMasked = row.Phone.Masked,
                    TierCode = row.TierCode, TierReachedAt = joinedAt, JoinSource = JoinSource.Imported,
                    TermsVersion = "import", TermsAcceptedAt = joinedAt, JoinedAt = joinedAt,
                };
                db.Members.Add(member);
                created.Add((row, member));
            }
            await db.SaveChangesAsync(ct);
            foreach (var (row, member) in created)
            {
                db.TierChanges.Add(new TierChange { MemberId = member.Id, ToTier = member.TierCode, Reason = TierChangeReason.Imported, ChangedAt = member.JoinedAt });
            }
            await db.SaveChangesAsync(ct);
            foreach (var (row, member) in created.Where(c => c.Row.Points > 0))
            {
                // The opening balance is a ledger credit like any other: a lot with the programme's expiry from today.
                await ledger.CreditAsync(new PointsCredit(member.Id, row.Points, PointSource.Manual, $"import:{import.Id}:line:{row.Line}",
                    now.UtcDateTime, PointsRules.ExpiresAtUtc(now, rules.PointsExpiryMonths, clock),
                    Reason: $"Opening balance (import #{import.Id})", Actor: import.CreatedBy), ct);
            }
            imported += created.Count;
            processed += chunk.Length;
            db.ChangeTracker.Clear();
            var done = processed;
            await ProgressAsync(import.Id, s => s.SetProperty(i => i.ProcessedRows, done), ct);
        }

        var tracked = await db.Set<MemberImport>().SingleAsync(i => i.Id == import.Id, ct);
        tracked.Status = MemberImportStatus.Completed;
        tracked.ProcessedRows = rows.Count;
        tracked.ImportedRows = imported;
        tracked.SkippedRows = skipped;
        tracked.FinishedAt = clock.UtcNow.UtcDateTime;
        db.AuditLog.Add(AuditEntry.Create(import.CreatedBy, AuditActions.MemberImport, "member_import", import.Id, null,
            new { import.FileName, Rows = rows.Count, Imported = imported, Skipped = skipped }, tracked.FinishedAt.Value));
        await db.SaveChangesAsync(ct);
        return (imported, skipped);
    }

    /// <summary>Progress on its own connection and transaction: visible while the import's transaction is open.</summary>
    private async Task ProgressAsync(long importId,
        Expression<Func<SetPropertyCalls<MemberImport>, SetPropertyCalls<MemberImport>>> set, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var other = scope.ServiceProvider.GetRequiredService<LoyaltyDbContext>();
        await other.Set<MemberImport>().Where(i => i.Id == importId).ExecuteUpdateAsync(set, ct);
    }
}
