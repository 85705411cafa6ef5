using Hangfire;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Admin.Imports;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Jobs.Admin;

/// <summary>
/// Runs one uploaded member import in the background (a large file takes minutes; the console polls its progress).
/// Thin: the import is all-or-nothing in one transaction, so a retry after a crash starts the file over safely.
/// </summary>
public sealed class MemberImportJob(MemberImportService imports, IOptions<ProgrammeOptions> programme)
{
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public Task RunAsync(long importId, CancellationToken ct) => imports.RunAsync(importId, programme.Value.Preset, ct);
}
