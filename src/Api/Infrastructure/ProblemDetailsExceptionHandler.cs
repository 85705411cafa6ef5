using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Api.Infrastructure;

/// <summary>
/// The one place where exceptions become RFC 7807 responses. A broken rule is the caller's 4xx; a bad request
/// body is a 400; anything else is our bug: a 500 that says nothing of the internals, logged with its trace id.
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // A rule broken inside code called through reflection (validators, binders) is still a broken rule.
        if (exception is System.Reflection.TargetInvocationException { InnerException: DomainException broken }) exception = broken;
        var (status, title, code) = exception switch
        {
            DomainException { Kind: DomainErrorKind.NotFound } d => (StatusCodes.Status404NotFound, d.Message, d.Code),
            DomainException { Kind: DomainErrorKind.Forbidden } d => (StatusCodes.Status403Forbidden, d.Message, d.Code),
            DomainException { Kind: DomainErrorKind.Conflict } d => (StatusCodes.Status409Conflict, d.Message, d.Code),
            DomainException d => (StatusCodes.Status400BadRequest, d.Message, d.Code),
            BadHttpRequestException b => (b.StatusCode, "The request could not be read.", "request.malformed"),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                (499, "The client closed the request.", "request.aborted"),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred.", "server.error"),
        };

        if (status >= 500)
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        else
            logger.LogInformation("Request rejected with {Status} {ErrorCode}: {Reason}", status, code, exception.Message);

        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title };
        problem.Extensions["code"] = code;
        if (exception is BadHttpRequestException && exception.InnerException is { } inner)
            problem.Detail = inner.Message;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
