using System.Text.Json.Nodes;
using WechatLoyalty.Simulator.Crypto;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Pay;

/// <summary>JSAPI prepay, order query (out_trade_no / transaction id), close, and the certificate download.</summary>
internal static class TransactionEndpoints
{
    public static readonly TimeSpan PrepayLifetime = TimeSpan.FromHours(2);
    private static readonly TimeSpan AutoClose = TimeSpan.FromDays(7);

    public static void Map(RouteGroupBuilder v3)
    {
        v3.MapPost("/pay/transactions/jsapi", Jsapi);
        v3.MapGet("/pay/transactions/out-trade-no/{outTradeNo}", (HttpContext http, string outTradeNo, SimulatorState state,
            SimulatorOptions options, SimulatorClock clock) => Query(http, state, options, clock, s => s.Orders.GetValueOrDefault(outTradeNo)));
        v3.MapGet("/pay/transactions/id/{transactionId}", (HttpContext http, string transactionId, SimulatorState state,
            SimulatorOptions options, SimulatorClock clock) => Query(http, state, options, clock, s => s.OrdersByTransactionId.GetValueOrDefault(transactionId)));
        v3.MapPost("/pay/transactions/out-trade-no/{outTradeNo}/close", Close);
        v3.MapGet("/certificates", Certificates);
    }

    // https://pay.weixin.qq.com/doc/v3/merchant/4012791856
    private static IResult Jsapi(HttpContext http, SimulatorState state, SimulatorOptions options, SimulatorClock clock)
    {
        var (body, error) = PayRules.ParseBody(http);
        if (body is null)
        {
            return error!;
        }

        foreach (var path in new[] { "/appid", "/mchid", "/description", "/out_trade_no", "/notify_url", "/amount/total", "/payer/openid" })
        {
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var node = parts.Length == 1 ? body[parts[0]] : (body[parts[0]] as JsonObject)?[parts[1]];
            if (node is null)
            {
                return PayRules.Required(path);
            }
        }

        var appId = PayRules.Str(body, "appid");
        var description = PayRules.Str(body, "description") ?? "";
        var outTradeNo = PayRules.Str(body, "out_trade_no") ?? "";
        var attach = PayRules.Str(body, "attach");
        var total = PayRules.Int(body["amount"], "total");
        var currency = PayRules.Str(body["amount"], "currency") ?? "CNY";
        var openId = PayRules.Str(body["payer"], "openid") ?? "";
        if (PayRules.Str(body, "mchid") != options.Pay.MchId)
        {
            return PayResults.Error(400, "MCH_NOT_EXISTS", "商户号不存在或与 Authorization 中的商户号不一致");
        }

        if (appId != options.MiniProgram.AppId && appId != options.OfficialAccount.AppId)
        {
            return PayResults.Error(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配");
        }

        if (description.Length is 0 or > 127 || PayRules.HasFourByteCharacters(description))
        {
            return PayResults.ParamError("description 长度需为1-127个字符，且不能包含emoji等4字节字符", "/description", description);
        }

        if (!PayRules.OutTradeNo().IsMatch(outTradeNo))
        {
            return PayResults.ParamError("out_trade_no 需为6-32位数字、大小写字母、_-|*", "/out_trade_no", outTradeNo);
        }

        if (attach is not null && (attach.Length > 128 || PayRules.HasFourByteCharacters(attach)))
        {
            return PayResults.ParamError("attach 长度不能超过128个字符，且不能包含4字节字符", "/attach", attach);
        }

        if (PayRules.NotifyUrl(PayRules.Str(body, "notify_url"), options.Pay.RequireHttpsNotifyUrl, "/notify_url") is { } urlError)
        {
            return urlError;
        }

        if (total is null or < 1)
        {
            return PayResults.ParamError("amount.total 需为大于等于1的整数（单位：分）", "/amount/total", body["amount"]?["total"]?.ToJsonString());
        }

        if (currency != "CNY")
        {
            return PayResults.ParamError("amount.currency 仅支持 CNY", "/amount/currency", currency);
        }

        DateTimeOffset? timeExpire = null;
        if (PayRules.Str(body, "time_expire") is { } expireText)
        {
            if (!PayRules.TryParseRfc3339(expireText, out var parsed))
            {
                return PayResults.ParamError("time_expire 需为 RFC3339 格式，如 2025-01-01T12:00:00+08:00", "/time_expire", expireText);
            }

            timeExpire = parsed;
        }

        var now = clock.GetUtcNow();
        lock (state.Gate)
        {
            var payer = state.FindUser(openId);
            if (payer is null || openId != (appId == options.MiniProgram.AppId ? payer.MiniOpenId : payer.OaOpenId))
            {
                return PayResults.ParamError("openid与appid不匹配", "/payer/openid", openId);
            }

            var fingerprint = PayViews.Canonical(body);
            if (state.Orders.TryGetValue(outTradeNo, out var existing))
            {
                Refresh(existing, now);
                if (existing.Fingerprint != fingerprint)
                {
                    return PayResults.Error(400, "OUT_TRADE_NO_USED", "商户订单号重复，同一订单号请求参数需与首次请求一致");
                }

                if (existing.TradeState != "NOTPAY")
                {
                    return existing.TradeState == "CLOSED"
                        ? PayResults.Error(400, "ORDER_CLOSED", "订单已关闭，请使用新的商户订单号")
                        : PayResults.Error(400, "ORDERPAID", "该订单已支付");
                }

                if (now - existing.PrepayIssuedAt >= PrepayLifetime)
                {
                    IssuePrepay(state, existing, now);
                }

                return PayResults.Signed(200, new { prepay_id = existing.PrepayId });
            }

            var order = new PayOrder
            {
                AppId = appId!, MchId = options.Pay.MchId, OutTradeNo = outTradeNo, Description = description, Attach = attach,
                NotifyUrl = PayRules.Str(body, "notify_url"), Total = total.Value, PayerOpenId = openId, TradeType = "JSAPI",
                CreatedAt = now, Fingerprint = fingerprint, TimeExpire = timeExpire,
            };
            state.Orders[outTradeNo] = order;
            IssuePrepay(state, order, now);
            return PayResults.Signed(200, new { prepay_id = order.PrepayId });
        }
    }

    private static void IssuePrepay(SimulatorState state, PayOrder order, DateTimeOffset now)
    {
        order.PrepayId = "wx" + now.ToOffset(TimeSpan.FromHours(8)).ToString("ddHHmmss", System.Globalization.CultureInfo.InvariantCulture)
            + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)) + SimulatorState.Digits(4);
        order.PrepayIssuedAt = now;
        state.OrdersByPrepayId[order.PrepayId] = order;
    }

    /// <summary>Unpaid orders close at time_expire or after 7 days.</summary>
    public static void Refresh(PayOrder order, DateTimeOffset now)
    {
        if (order.TradeState == "NOTPAY" && (order.TimeExpire <= now || now - order.CreatedAt >= AutoClose))
        {
            order.TradeState = "CLOSED";
        }
    }

    private static IResult Query(HttpContext http, SimulatorState state, SimulatorOptions options, SimulatorClock clock,
        Func<SimulatorState, PayOrder?> find)
    {
        var mchId = http.Request.Query["mchid"].ToString();
        if (mchId.Length == 0)
        {
            return PayResults.ParamError("输入源“/query/mchid”映射到字段“直连商户号”必填性规则校验失败，此字段为必填项", "mchid", null, "query");
        }

        if (mchId != options.Pay.MchId)
        {
            return PayResults.Error(400, "MCH_NOT_EXISTS", "商户号不存在或与 Authorization 中的商户号不一致");
        }

        lock (state.Gate)
        {
            var order = find(state);
            if (order is null)
            {
                return PayResults.NotFound();
            }

            Refresh(order, clock.GetUtcNow());
            return PayResults.Signed(200, PayViews.Transaction(order));
        }
    }

    private static IResult Close(HttpContext http, string outTradeNo, SimulatorState state, SimulatorOptions options, SimulatorClock clock)
    {
        var (body, error) = PayRules.ParseBody(http);
        if (body is null)
        {
            return error!;
        }

        var mchId = PayRules.Str(body, "mchid");
        if (mchId is null)
        {
            return PayRules.Required("/mchid");
        }

        if (mchId != options.Pay.MchId)
        {
            return PayResults.Error(400, "MCH_NOT_EXISTS", "商户号不存在或与 Authorization 中的商户号不一致");
        }

        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(outTradeNo, out var order))
            {
                return PayResults.NotFound();
            }

            Refresh(order, clock.GetUtcNow());
            if (order.TradeState is "SUCCESS" or "REFUND")
            {
                return PayResults.Error(400, "ORDERPAID", "订单已支付，不能关单，请发起退款");
            }

            order.TradeState = "CLOSED";
            return PayResults.Signed(204, null);
        }
    }

    /// <summary>Certificate mode: the platform certificate, encrypted with the APIv3 key; signed with that certificate's serial.</summary>
    private static IResult Certificates(HttpContext http, SimulatorKeys keys)
    {
        var nonce = PayCrypto.RandomString(12);
        var certificate = keys.PlatformCertificate;
        http.Items[PayResults.SerialItemKey] = keys.PlatformCertificateSerial;
        return PayResults.Signed(200, new
        {
            data = new[]
            {
                new
                {
                    serial_no = keys.PlatformCertificateSerial,
                    effective_time = SimulatorClock.Rfc3339(certificate.NotBefore.ToUniversalTime()),
                    expire_time = SimulatorClock.Rfc3339(certificate.NotAfter.ToUniversalTime()),
                    encrypt_certificate = new
                    {
                        algorithm = "AEAD_AES_256_GCM",
                        nonce,
                        associated_data = "certificate",
                        ciphertext = PayCrypto.GcmEncrypt(keys.ApiV3Key, nonce, "certificate", certificate.ExportCertificatePem()),
                    },
                },
            },
        });
    }
}
