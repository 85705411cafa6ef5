namespace WechatLoyalty.Wechat;
internal static class PWechat {}
