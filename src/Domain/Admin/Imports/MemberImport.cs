namespace WechatLoyalty.Domain.Admin.Imports;

public enum MemberImportStatus
{
    /// <summary>Uploaded; waiting for the background job.</summary>
    Queued,
    Validating,
    Importing,
    /// <summary>Every valid row imported (rows of people already members skipped), in one transaction.</summary>
    Completed,
    /// <summary>At least one row was invalid: nothing was imported; see the error report.</summary>
    Rejected,
    /// <summary>Unexpected failure (logged); nothing was imported. The job may be retried.</summary>
    Failed,
}

/// <summary>
/// One uploaded CSV of an existing member base. The file is kept (it is the job's input and the evidence of what
/// was imported); its SHA-256 is unique, so uploading the same file again finds this import instead of a second one.
/// </summary>
public class MemberImport
{
    public long Id { get; set; }
    public required string FileName { get; set; }
    public required byte[] FileHash { get; set; }
    public required byte[] Content { get; set; }
    public MemberImportStatus Status { get; set; }
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }
    public int ImportedRows { get; set; }

    /// <summary>Rows whose phone number already belongs to a member: left as they are (re-imports are harmless).</summary>
    public int SkippedRows { get; set; }

    public int ErrorRows { get; set; }

    /// <summary>CSV (UTF-8): line, column, value, problem; for Rejected imports.</summary>
    public string? ErrorReport { get; set; }

    public string? Failure { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    public bool IsFinished => Status is MemberImportStatus.Completed or MemberImportStatus.Rejected or MemberImportStatus.Failed;
}
