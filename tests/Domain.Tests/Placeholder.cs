namespace WechatLoyalty.Domain.Tests; public class Placeholder { [Fact] public void X() { } }
