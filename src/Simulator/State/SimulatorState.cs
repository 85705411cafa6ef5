using System.Globalization;
using System.Security.Cryptography;

namespace WechatLoyalty.Simulator.State;

/// <summary>Everything WeChat remembers, in memory. Take <see cref="Gate"/> for every read or write.</summary>
public sealed class SimulatorState
{
    public Lock Gate { get; } = new();

    public List<SimUser> Users { get; } = [];
    public Dictionary<string, SimUser> UsersById { get; } = new(StringComparer.Ordinal); // unionid and both openids
    public Dictionary<string, UserCode> Codes { get; } = new(StringComparer.Ordinal);
    public List<AccessTokenRecord> Tokens { get; } = [];
    public Dictionary<string, AccessTokenRecord> TokensByValue { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DateTimeOffset> LastForceRefresh { get; } = new(StringComparer.Ordinal);
    public List<SentMessage> Messages { get; } = [];
    public Dictionary<string, SentMessage> TemplateByClientMsgId { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, QrTicket> QrTickets { get; } = new(StringComparer.Ordinal);
    public List<OaPush> OaPushes { get; } = [];
    public Dictionary<string, PayOrder> Orders { get; } = new(StringComparer.Ordinal); // by out_trade_no
    public Dictionary<string, PayOrder> OrdersByPrepayId { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PayOrder> OrdersByTransactionId { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PayRefund> Refunds { get; } = new(StringComparer.Ordinal);
    public List<PayNotification> Notifications { get; } = [];
    public Dictionary<string, int> QuotaCounters { get; } = new(StringComparer.Ordinal);
    public int WxaCodesGenerated { get; set; }

    private long _sequence = 1000;

    public long NextId() => Interlocked.Increment(ref _sequence);

    public static string NewToken(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes))
        .Replace('+', '_').Replace('/', '-').TrimEnd('=');

    public static string Digits(int count) => RandomNumberGenerator.GetString("0123456789", count);

    public static string Rid() => string.Create(CultureInfo.InvariantCulture,
        $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");

    public SimUser? FindUser(string id) => UsersById.GetValueOrDefault(id);

    public void AddUser(SimUser user)
    {
        Users.Add(user);
        UsersById[user.UnionId] = user;
        UsersById[user.MiniOpenId] = user;
        UsersById[user.OaOpenId] = user;
    }

    public void Reset()
    {
        lock (Gate)
        {
            Users.Clear();
            UsersById.Clear();
            Codes.Clear();
            Tokens.Clear();
            TokensByValue.Clear();
            LastForceRefresh.Clear();
            Messages.Clear();
            TemplateByClientMsgId.Clear();
            QrTickets.Clear();
            OaPushes.Clear();
            Orders.Clear();
            OrdersByPrepayId.Clear();
            OrdersByTransactionId.Clear();
            Refunds.Clear();
            Notifications.Clear();
            QuotaCounters.Clear();
            WxaCodesGenerated = 0;
        }
    }
}
