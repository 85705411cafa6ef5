using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Operations;
using WechatLoyalty.Jobs;

namespace WechatLoyalty.Api.Features.Operations;

/// <summary>
/// The jobs as the engineer on call asks about them: what is scheduled, when each last ran, how much it did. The
/// schedule comes from Hangfire's storage (Redis), the counts from our job_runs table, so either can be down and
/// the other half still answers.
/// </summary>
internal static class JobsApi
{
    public static void MapJobsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/jobs").WithTags("Jobs").RequireAuthorization(Policies.Admin);
        group.MapGet("/", List).WithSummary("Every recurring job: its schedule, next run, and its latest recorded runs with counts.");
        group.MapGet("/{jobId}/runs", Runs).WithSummary("The latest recorded runs of one job, newest first.");
    }

    public sealed record JobSummary(string Id, string? Cron, string? TimeZone, DateTime? NextRunAt, DateTime? LastRunAt, string? LastState,
        IReadOnlyList<JobRunResponse> LatestRuns);

    public sealed record JobRunResponse(long Id, string JobId, string Status, DateTime StartedAt, DateTime? FinishedAt, double? Seconds,
        long Processed, long? Total, string Unit, string? Summary, string? Error);

    internal static async Task<Ok<List<JobSummary>>> List(JobStorage storage, JobRunLog runs, ILoggerFactory loggers, CancellationToken ct)
    {
        var schedule = ReadSchedule(storage, loggers);
        var recent = await runs.RecentAsync(null, 200, ct);
        var ids = RecurringJobIds.DefaultCron.Keys.Union(schedule.Keys).Order();
        var jobs = ids.Select(id =>
        {
            schedule.TryGetValue(id, out var job);
            return new JobSummary(id, job?.Cron, job?.TimeZoneId, job?.NextExecution, job?.LastExecution, job?.LastJobState,
                recent.Where(r => r.JobId == id).Take(5).Select(ToResponse).ToList());
        }).ToList();
        return TypedResults.Ok(jobs);
    }

    internal static async Task<Ok<List<JobRunResponse>>> Runs(string jobId, JobRunLog runs, CancellationToken ct, int take = 50)
    {
        if (!RecurringJobIds.DefaultCron.ContainsKey(jobId))
            throw new DomainException("job.unknown", "No such job.", DomainErrorKind.NotFound);
        var list = await runs.RecentAsync(jobId, Math.Clamp(take, 1, 500), ct);
        return TypedResults.Ok(list.Select(ToResponse).ToList());
    }

    private static Dictionary<string, RecurringJobDto> ReadSchedule(JobStorage storage, ILoggerFactory loggers)
    {
        try
        {
            using var connection = storage.GetConnection();
            return connection.GetRecurringJobs().ToDictionary(j => j.Id);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            loggers.CreateLogger("Jobs").LogWarning(ex, "Could not read the recurring job schedule (Redis unavailable)");
            return [];
        }
    }

    private static JobRunResponse ToResponse(JobRun r) => new(r.Id, r.JobId, r.Status.ToString(), r.StartedAt, r.FinishedAt,
        r.FinishedAt is { } end ? Math.Round((end - r.StartedAt).TotalSeconds, 3) : null, r.Processed, r.Total, r.Unit, r.Summary, r.Error);
}
