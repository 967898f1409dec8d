<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CataloguePanel</name>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="20" />
        <source>服务事项</source>
        <translation>Services</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="24" />
        <source>搜索：名称、关键字或拼音首字母</source>
        <translation>Search: name, keyword or pinyin initials</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="50" />
        <source> · 办理时限 {days} 个工作日</source>
        <translation> · time limit {days} working days</translation>
    </message>
</context>
<context>
    <name>DemoPanel</name>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="37" />
        <source>演示设备：</source>
        <translation>Demo devices:</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="42" />
        <source>插入社保卡（{name}）</source>
        <translation>Insert SSC ({name})</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="47" />
        <source>拔出社保卡</source>
        <translation>Remove SSC</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="54" />
        <source>放置身份证（{name}）</source>
        <translation>Lay ID card ({name})</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="59" />
        <source>取走身份证</source>
        <translation>Lift ID card</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <location filename="../../app/ui/pages.py" line="44" />
        <source>办理时限：{days} 个工作日（{basis}）　　带 &lt;span style='color:#c0392b'&gt;*&lt;/span&gt; 为必填项</source>
        <translation>Time limit: {days} working days ({basis})    fields marked &lt;span style='color:#c0392b'&gt;*&lt;/span&gt; are required</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="47" />
        <source>提交</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="52" />
        <source>重置</source>
        <translation>Reset</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="55" />
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="62" />
        <location filename="../../app/ui/pages.py" line="114" />
        <source>读取代办人证件</source>
        <translation>Read the agent's ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="78" />
        <source>更正读卡信息</source>
        <translation>Correct card data</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="99" />
        <source>代办人</source>
        <translation>agent</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="99" />
        <source>申请人</source>
        <translation>applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="100" />
        <source>{whose}：已读取{source}：{who}。以下信息读自证件，不可直接修改：{fields}</source>
        <translation>{whose}: {source} read: {who}. These fields come from the document and cannot be edited directly: {fields}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="114" />
        <source>请放置代办人证件…（点击取消）</source>
        <translation>Place the agent's ID… (click to cancel)</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="124" />
        <source>&lt;br&gt;已解锁更正，原因：{reason}</source>
        <translation>&lt;br&gt;Unlocked for correction, reason: {reason}</translation>
    </message>
</context>
<context>
    <name>FormView</name>
    <message>
        <location filename="../../app/ui/form_view.py" line="98" />
        <source>请选择</source>
        <extracomment>field key -&gt; the device it was read from (e.g. 社保卡); locked until overridden</extracomment>
        <translation>Please choose</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="117" />
        <source>手机或座机号码</source>
        <translation>Mobile or landline number</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="130" />
        <source>根据其他字段自动填写</source>
        <translation>Filled in from another field</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="204" />
        <source>读自{source}，如需更正请点击“更正读卡信息”并说明原因</source>
        <translation>Read from the {source}; to correct it click "Correct card data" and give a reason</translation>
    </message>
</context>
<context>
    <name>IdReaderIndicator</name>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="60" />
        <source>身份证读卡器：查找中…</source>
        <translation>ID reader: searching…</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="60" />
        <source>身份证读卡器：未启用</source>
        <translation>ID reader: off</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="68" />
        <source>● 身份证读卡器：就绪</source>
        <translation>● ID reader: ready</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="70" />
        <source>● 身份证读卡器：已读卡</source>
        <translation>● ID reader: card read</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="72" />
        <source>● 身份证读卡器：读卡失败</source>
        <translation>● ID reader: read failed</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="74" />
        <source>● 身份证读卡器：未连接</source>
        <translation>● ID reader: not connected</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="49" />
        <source>社会保险经办柜台终端 — {office}</source>
        <translation>Social Insurance Counter — {office}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="50" />
        <source>未命名网点</source>
        <translation>unnamed office</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="113" />
        <source>社会保险经办柜台终端</source>
        <translation>Social Insurance Counter</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="119" />
        <source>柜员：{name}（{id}）</source>
        <translation>Clerk: {name} ({id})</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="134" />
        <source>您好，{name}</source>
        <translation>Hello, {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="135" />
        <source>请在左侧选择服务事项（可输入名称、关键字或拼音首字母搜索）。</source>
        <translation>Choose a service on the left (search by name, keyword or pinyin initials).</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="148" />
        <source>最近办件</source>
        <translation>Recent applications</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="160" />
        <source>最近同步：—</source>
        <translation>Last sync: —</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="164" />
        <source>立即发送</source>
        <translation>Send now</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="187" />
        <source>法定办理时限：{days} 个工作日（{basis}）</source>
        <translation>Statutory time limit: {days} working days ({basis})</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="190" />
        <source>&lt;h2&gt;{name}&lt;/h2&gt;&lt;p&gt;本事项的电子表单将在后续版本提供。&lt;/p&gt;&lt;p&gt;{limit}&lt;/p&gt;</source>
        <translation>&lt;h2&gt;{name}&lt;/h2&gt;&lt;p&gt;The electronic form for this service comes in a later release.&lt;/p&gt;&lt;p&gt;{limit}&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="223" />
        <source>本终端尚未配置中心系统连接，业务已排队，配置后自动发送。</source>
        <translation>This terminal has no central-system connection configured; the application is queued and will be sent once it is configured.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="247" />
        <source>社保卡已拔出。已填写的内容保留在表单中。</source>
        <translation>Card removed. What is filled in stays in the form.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="265" />
        <source>已读取{source}：{who}，已填入表单。</source>
        <translation>{source} read: {who}; filled into the form.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="269" />
        <source>已读取{source}：{who}。请选择要办理的事项，申请人信息将自动填入。</source>
        <translation>{source} read: {who}. Choose a service; the applicant will be filled in.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="297" />
        <source>中心系统：未配置</source>
        <translation>Central system: not configured</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="297" />
        <source>中心系统：连接中…</source>
        <translation>Central system: connecting…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="300" />
        <source>● 中心系统：已连接</source>
        <translation>● Central system: connected</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="302" />
        <source>● 未连接中心系统，已离线保存</source>
        <translation>● Central system unreachable, saved offline</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="309" />
        <source>最近同步：{time}</source>
        <translation>Last sync: {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="326" />
        <source>待发送：{n}</source>
        <translation>Waiting to send: {n}</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <location filename="../../app/ui/pages.py" line="135" />
        <source>更正读卡信息</source>
        <translation>Correct card data</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="139" />
        <source>例如：卡内姓名为生僻字无法显示，按身份证更正</source>
        <translation>e.g. the name on the card has a character it cannot show; corrected from the ID card</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="147" />
        <source>请说明更正原因（将随业务一并记录）：</source>
        <translation>Why is it corrected? (recorded with the application):</translation>
    </message>
</context>
<context>
    <name>ReaderIndicator</name>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="25" />
        <source>社保卡读卡器：检测中…</source>
        <translation>Card reader: checking…</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="27" />
        <source>社保卡读卡器：未启用</source>
        <translation>Card reader: off</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="37" />
        <location filename="../../app/ui/status_widgets.py" line="45" />
        <location filename="../../app/ui/status_widgets.py" line="51" />
        <source>● 社保卡读卡器：就绪</source>
        <translation>● Card reader: ready</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="39" />
        <source>● 社保卡读卡器：未连接</source>
        <translation>● Card reader: not connected</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="41" />
        <source>● 社保卡读卡器：正在读卡…</source>
        <translation>● Card reader: reading…</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="43" />
        <source>● 社保卡读卡器：已读卡</source>
        <translation>● Card reader: card read</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="47" />
        <source>● 社保卡读卡器：读卡失败</source>
        <translation>● Card reader: read failed</translation>
    </message>
    <message>
        <location filename="../../app/ui/status_widgets.py" line="49" />
        <source>● 社保卡读卡器：读卡服务未运行</source>
        <translation>● Card reader: PC/SC service not running</translation>
    </message>
</context>
<context>
    <name>RecordsView</name>
    <message>
        <location filename="../../app/ui/records_view.py" line="17" />
        <source>草稿</source>
        <translation>Draft</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="18" />
        <source>待复核</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="19" />
        <source>待发送</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="20" />
        <source>发送中</source>
        <translation>Sending</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="21" />
        <source>已受理</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="22" />
        <source>已退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="23" />
        <source>已办结</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="35" />
        <source>办理时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="36" />
        <source>事项</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="37" />
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="38" />
        <source>公民身份号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="39" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="40" />
        <source>受理编号</source>
        <translation>Receipt no.</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <location filename="../../app/ui/pages.py" line="169" />
        <source>继续办理本事项</source>
        <translation>Another of the same</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="171" />
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="196" />
        <source>✔ 已受理</source>
        <translation>✔ Accepted</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="198" />
        <source>{item}　申请人：{who}&lt;br&gt;受理编号：&lt;b&gt;{receipt}&lt;/b&gt;</source>
        <translation>{item}  applicant: {who}&lt;br&gt;receipt number: &lt;b&gt;{receipt}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="201" />
        <source>未连接中心系统，已离线保存</source>
        <translation>Central system unreachable, saved offline</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="203" />
        <source>{item}　申请人：{who}&lt;br&gt;{reason}</source>
        <translation>{item}  applicant: {who}&lt;br&gt;{reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="206" />
        <source>已保存，正在发送…</source>
        <translation>Saved, sending…</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="208" />
        <source>{item}　申请人：{who}&lt;br&gt;已保存在本机，正在发送至中心系统。</source>
        <translation>{item}  applicant: {who}&lt;br&gt;Saved on this terminal, sending to the central system.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../app/ui/signin.py" line="30" />
        <source>柜员登录 - 社会保险经办柜台终端</source>
        <translation>Clerk sign-in - Social Insurance Counter</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="34" />
        <source>社会保险经办柜台终端</source>
        <translation>Social Insurance Counter</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="43" />
        <location filename="../../app/ui/signin.py" line="57" />
        <source>工号</source>
        <translation>Staff no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="47" />
        <location filename="../../app/ui/signin.py" line="58" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="51" />
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="72" />
        <source>请输入工号和密码。</source>
        <translation>Enter your staff number and password.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="75" />
        <source>正在验证…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../app/ui/errors.py" line="20" />
        <source>程序内部错误，操作未完成。</source>
        <translation>Internal error; the operation did not complete.</translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="21" />
        <source>已保存的业务不受影响。请重试；如仍失败，请联系系统管理员。</source>
        <translation>Saved applications are not affected. Try again; if it keeps failing, call the system administrator.</translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="34" />
        <source>提示</source>
        <translation>Notice</translation>
    </message>
</context>
</TS>