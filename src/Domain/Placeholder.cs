namespace WechatLoyalty.Domain;
internal static class PDomain {}
