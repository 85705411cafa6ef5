using System.Net;
using System.Net.Http.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Operations;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Jobs;
using WechatLoyalty.Jobs.Points;

namespace WechatLoyalty.Api.Tests.Jobs;

/// <summary>Hangfire inside the API on the real Redis: the schedule, the dashboard's access rules, a job run end to end.</summary>
public class JobsTests(JobsTests.Factory factory) : IClassFixture<JobsTests.Factory>
{
    public class Factory : LoyaltyApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Jobs:ServerEnabled", "true"),
            new("Jobs:WorkerCount", "2"),
            new($"Jobs:Recurring:{RecurringJobIds.CheckBalances}", ""),
        ];
    }

    [Fact]
    public async Task RecurringJobs_AreRegistered_InProgrammeTimeZone_WithConfiguredOverrides()
    {
        await WaitForScheduleAsync();
        using var connection = factory.Services.GetRequiredService<JobStorage>().GetConnection();

        var jobs = connection.GetRecurringJobs().ToDictionary(j => j.Id);

        Assert.Equal("5 0 * * *", jobs[RecurringJobIds.ExpirePoints].Cron);
        Assert.Equal("Asia/Shanghai", jobs[RecurringJobIds.ExpirePoints].TimeZoneId);
        Assert.True(jobs.ContainsKey(RecurringJobIds.ReleasePendingPoints));
        Assert.False(jobs.ContainsKey(RecurringJobIds.CheckBalances));
    }

    [Fact]
    public async Task ExpiryJob_ExpiresPastLots_WhenTriggeredThroughHangfire()
    {
        var lotId = await SeedExpiredLotAsync();

        var jobId = factory.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<PointsJobs>(j => j.ExpireAsync(CancellationToken.None));

        // Long enough for one Hangfire retry (its first delay is 16–76 s) should a loaded CI machine fail the first attempt.
        var deadline = DateTime.UtcNow.AddSeconds(150);
        PointLot lot;
        do
        {
            await Task.Delay(200);
            lot = await factory.WithDbAsync(db => db.PointLots.AsNoTracking().SingleAsync(l => l.Id == lotId));
        } while (lot.ExpiredAt is null && DateTime.UtcNow < deadline);
        if (lot.ExpiredAt is null)
        {
            var monitor = factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
            var failed = monitor.FailedJobs(0, 5).Select(j => j.Value.ExceptionMessage + " " + j.Value.ExceptionDetails);
            var history = monitor.JobDetails(jobId)?.History.Select(h => $"{h.StateName}@{h.CreatedAt:HH:mm:ss.fff} {h.Reason}") ?? [];
            var servers = monitor.Servers().Select(s => $"{s.Name} workers={s.WorkersCount} queues={string.Join('/', s.Queues)} heartbeat={s.Heartbeat:HH:mm:ss}");
            Assert.Fail($"job {jobId}: {string.Join(" -> ", history)}; servers: {string.Join("; ", servers)}; processing={monitor.ProcessingCount()} "
                + $"enqueued={monitor.EnqueuedCount("default")} succeeded={monitor.SucceededListCount()} failed: {string.Join(" | ", failed)}");
        }
        Assert.Equal(0, lot.Remaining);
        Assert.Equal(1, await factory.WithDbAsync(db => db.PointEntries.CountAsync(e => e.LotId == lotId && e.Kind == PointEntryKind.Expire)));

        // The run is recorded with its count, for the engineer on call (GET /api/admin/jobs, admins only).
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        JobSummary[]? jobs = null;
        for (var i = 0; i < 50 && !(jobs?.Single(j => j.Id == RecurringJobIds.ExpirePoints).LatestRuns.Any(r => r.Status == "Succeeded") ?? false); i++)
        {
            if (i > 0) await Task.Delay(100); // the run is marked succeeded just after its last batch commits
            jobs = await admin.GetFromJsonAsync<JobSummary[]>("/api/admin/jobs");
        }
        var expiry = jobs!.Single(j => j.Id == RecurringJobIds.ExpirePoints);
        Assert.Equal("5 0 * * *", expiry.Cron);
        Assert.Contains(expiry.LatestRuns, r => r is { Status: "Succeeded", Unit: "entries", Processed: >= 1 } && r.FinishedAt is not null);
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketing.GetAsync("/api/admin/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/admin/jobs/no-such-job/runs")).StatusCode);
    }

    [Fact]
    public async Task TrackedRun_RecordsFailure_WithErrorAndRethrows()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var runs = scope.ServiceProvider.GetRequiredService<JobRunLog>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => runs.RunAsync(RecurringJobIds.RecalculateTiers, "members", async progress =>
        {
            await progress(7, 10);
            throw new InvalidOperationException("window 2 failed");
        }, CancellationToken.None));

        var run = (await runs.RecentAsync(RecurringJobIds.RecalculateTiers, 1, default)).Single();
        Assert.Equal((JobRunStatus.Failed, 7L, 10L), (run.Status, run.Processed, run.Total));
        Assert.Equal("InvalidOperationException: window 2 failed", run.Error);
        Assert.NotNull(run.FinishedAt);
    }

    private sealed record JobRunDto(string Status, string Unit, long Processed, DateTime? FinishedAt);
    private sealed record JobSummary(string Id, string? Cron, JobRunDto[] LatestRuns);

    [Fact]
    public async Task Dashboard_Is401Anonymous_ReadOnlyForMarketing_AndFullForAdmin()
    {
        var anonymous = await factory.CreateClient().GetAsync("/hangfire/recurring");
        var marketing = await (await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing)).GetAsync("/hangfire/recurring");
        var admin = await (await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin)).GetAsync("/hangfire/recurring");
        var clerk = await (await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Clerk, 1)).GetAsync("/hangfire/recurring");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, clerk.StatusCode);
        Assert.Equal(HttpStatusCode.OK, marketing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.DoesNotContain("js-jobs-list-command", await marketing.Content.ReadAsStringAsync());
        Assert.Contains("js-jobs-list-command", await admin.Content.ReadAsStringAsync());
    }

    /// <summary>The schedule is written by a background service just after start-up.</summary>
    private async Task WaitForScheduleAsync()
    {
        var storage = factory.Services.GetRequiredService<JobStorage>();
        for (var i = 0; i < 300; i++)
        {
            using var connection = storage.GetConnection();
            if (connection.GetRecurringJobs().Any(j => j.Id == RecurringJobIds.ExpirePoints)) return;
            await Task.Delay(100);
        }
        Assert.Fail("The recurring schedule was not written within 30 s of start-up.");
    }

    private async Task<long> SeedExpiredLotAsync()
    {
        return await factory.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var member = TestData.Member("ordinary", now, joinedAt: now.AddYears(-3), pointsBalance: 120);
            db.Members.Add(member);
            await db.SaveChangesAsync();
            var lot = new PointLot
            {
                MemberId = member.Id, Source = PointSource.Purchase, Amount = 120, Remaining = 120,
                EarnedAt = now.AddYears(-2).AddDays(-2), ExpiresAt = now.AddDays(-1),
            };
            db.PointLots.Add(lot);
            await db.SaveChangesAsync();
            db.PointEntries.Add(new PointEntry
            {
                MemberId = member.Id, Kind = PointEntryKind.Earn, Delta = 120, BalanceAfter = 120, LotId = lot.Id,
                IdempotencyKey = $"earn:test:{lot.Id}", CreatedAt = lot.EarnedAt,
            });
            await db.SaveChangesAsync();
            return lot.Id;
        });
    }
}
