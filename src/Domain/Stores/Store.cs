namespace WechatLoyalty.Domain.Stores;

/// <summary>A physical store. Its short code goes into QR scenes (<c>s=&lt;code&gt;</c>), so it is ASCII and short.</summary>
public class Store
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string City { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }

    /// <summary>The store's permanent official-account QR (QR_LIMIT_STR_SCENE): made once, as permanent codes are capped.</summary>
    public string? OaQrTicket { get; set; }

    public string? OaQrUrl { get; set; }

    public List<Staff> Staff { get; } = [];

    /// <summary>
    /// Codes travel in a wxacode scene <c>s=&lt;store&gt;&amp;u=&lt;staff&gt;</c> of at most 32 characters, so each is at
    /// most 12 ASCII letters, digits, '-' or '_'.
    /// </summary>
    public static bool IsValidCode(string? code) =>
        code is { Length: >= 2 and <= 12 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>A store employee who can be credited with the members they sign up (<c>u=&lt;code&gt;</c> in the scene).</summary>
public class Staff
{
    public long Id { get; set; }
    public long StoreId { get; set; }
    public Store? Store { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}
