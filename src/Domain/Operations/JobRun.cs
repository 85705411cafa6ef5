namespace WechatLoyalty.Domain.Operations;

public enum JobRunStatus
{
    Running = 0,
    Succeeded = 1,
    Failed = 2,
}

/// <summary>
/// One run of a background job as the engineer on call sees it: when it ran, how far it got and what it did.
/// Hangfire's own history says whether a job succeeded; this says how much work it did (lots expired, members
/// recalculated), which Hangfire does not know. Progress is written between batches, so a run killed mid-way stays
/// visible as <see cref="JobRunStatus.Running"/> with the count it had reached.
/// </summary>
public class JobRun
{
    public long Id { get; set; }

    /// <summary>The recurring job id (e.g. <c>points-expire</c>).</summary>
    public required string JobId { get; set; }

    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public JobRunStatus Status { get; set; }

    /// <summary>Items done so far (lots, members, orders: the job's own unit, named in <see cref="Unit"/>).</summary>
    public long Processed { get; set; }

    /// <summary>Items the run expects to touch, when known up front.</summary>
    public long? Total { get; set; }

    public required string Unit { get; set; }

    /// <summary>One line for people: what changed (e.g. "120 upgraded, 31 downgraded").</summary>
    public string? Summary { get; set; }

    /// <summary>The exception's type and message when the run failed (no stack, no personal data).</summary>
    public string? Error { get; set; }
}
