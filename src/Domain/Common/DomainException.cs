namespace WechatLoyalty.Domain.Common;

/// <summary>
/// An illegal move in the programme (spending points a member does not have, a second referrer, a birthday
/// changed twice in a year). The API turns it into a 400/409 ProblemDetails; it never means a bug.
/// </summary>
public class DomainException(string code, string message, DomainErrorKind kind = DomainErrorKind.Invalid)
    : Exception(message)
{
    /// <summary>A stable machine-readable code, e.g. <c>points.insufficient</c>.</summary>
    public string Code { get; } = code;

    public DomainErrorKind Kind { get; } = kind;
}

public enum DomainErrorKind
{
    /// <summary>The request breaks a rule: 400.</summary>
    Invalid,

    /// <summary>The request conflicts with the current state: 409.</summary>
    Conflict,

    /// <summary>The thing named does not exist: 404.</summary>
    NotFound,

    /// <summary>The caller may not do this (yet): 403.</summary>
    Forbidden,
}
