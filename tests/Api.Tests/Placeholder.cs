namespace WechatLoyalty.Api.Tests; public class Placeholder { [Fact] public void X() { } }
