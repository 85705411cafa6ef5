namespace WechatLoyalty.Wechat.Tests; public class Placeholder { [Fact] public void X() { } }
