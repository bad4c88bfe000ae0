"""The text of the personal-information notice shown before a worker applies to join (PIPL art. 14, 17, 29, 30).

Version 1 is stored as `accounts.PrivacyNotice(purpose="join", version="1")` the first time it is needed
(`joining.services.privacy_notice_current`). A changed text is a new version: consent is always to one
version, so the old text must stay as it was when people agreed to it.
"""
from django.utils.translation import gettext_lazy as _

PURPOSE = "join"
VERSION = "1"

TEXT = _("""入会申请个人信息处理告知

一、处理目的：办理您的入会申请，审核入会资格，登记会员实名信息，发放电子会员卡，并为您提供工会服务。

二、处理的个人信息：姓名、公民身份号码、手机号码、工作单位、就业形态（如快递员、外卖骑手、网约车司机）、平台企业、工作所在地。其中公民身份号码属于敏感个人信息，仅用于核实您的身份和避免重复入会，我们单独征求您的同意。

三、处理方式与安全：身份证号和手机号加密保存，页面和接口中只显示脱敏号码（如 3608**********2035、138****1234）；我们会向您的手机发送验证码和办理结果短信。

四、谁能看到：受理您申请的工会（您所在单位的基层工会，或当地行业、区域工会，或县（区）总工会）的工作人员，以及其上级工会中负责会员管理的工作人员。我们不会向其他单位或个人提供您的信息，法律、行政法规另有规定的除外。

五、保存期限：申请未获批准或您撤回申请的，申请信息自办结之日起保存2年后删除；获批入会的，会员信息在会籍存续期间及会籍终止后按工会档案管理规定保存。

六、您的权利：您可以查阅、复制、更正您的个人信息。在申请办结前，您可以在“我的入会申请”中撤回申请；您也可以撤回本同意，撤回后我们将停止处理并不再办理您的申请，但不影响撤回前已进行的处理。如有疑问，请联系受理您申请的工会。

点击“同意并提交”即表示您已阅读并同意以上内容，并单独同意我们处理您的公民身份号码。""")
