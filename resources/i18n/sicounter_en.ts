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
    <name>FormPage</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="52" />
        <source>办理时限：{days} 个工作日（{basis}）　　带 &lt;span style='color:#c0392b'&gt;*&lt;/span&gt; 为必填项</source>
        <translation>Time limit: {days} working days ({basis})    fields marked &lt;span style='color:#c0392b'&gt;*&lt;/span&gt; are required</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="55" />
        <source>提交</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="60" />
        <source>重置</source>
        <translation>Reset</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="63" />
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>FormView</name>
    <message>
        <location filename="../../app/ui/form_view.py" line="95" />
        <source>请选择</source>
        <translation>Please choose</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="114" />
        <source>手机或座机号码</source>
        <translation>Mobile or landline number</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="127" />
        <source>根据其他字段自动填写</source>
        <translation>Filled in from another field</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="143" />
        <source>社会保险经办柜台终端 — {office}</source>
        <translation>Social Insurance Counter — {office}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="144" />
        <source>未命名网点</source>
        <translation>unnamed office</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="198" />
        <source>社会保险经办柜台终端</source>
        <translation>Social Insurance Counter</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="204" />
        <source>柜员：{name}（{id}）</source>
        <translation>Clerk: {name} ({id})</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="219" />
        <source>您好，{name}</source>
        <translation>Hello, {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="220" />
        <source>请在左侧选择服务事项（可输入名称、关键字或拼音首字母搜索）。</source>
        <translation>Choose a service on the left (search by name, keyword or pinyin initials).</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="233" />
        <source>最近办件</source>
        <translation>Recent applications</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="245" />
        <source>最近同步：—</source>
        <translation>Last sync: —</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="249" />
        <source>立即发送</source>
        <translation>Send now</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="268" />
        <source>法定办理时限：{days} 个工作日（{basis}）</source>
        <translation>Statutory time limit: {days} working days ({basis})</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="271" />
        <source>&lt;h2&gt;{name}&lt;/h2&gt;&lt;p&gt;本事项的电子表单将在后续版本提供。&lt;/p&gt;&lt;p&gt;{limit}&lt;/p&gt;</source>
        <translation>&lt;h2&gt;{name}&lt;/h2&gt;&lt;p&gt;The electronic form for this service comes in a later release.&lt;/p&gt;&lt;p&gt;{limit}&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="301" />
        <source>本终端尚未配置中心系统连接，业务已排队，配置后自动发送。</source>
        <translation>This terminal has no central-system connection configured; the application is queued and will be sent once it is configured.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="340" />
        <source>中心系统：未配置</source>
        <translation>Central system: not configured</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="340" />
        <source>中心系统：连接中…</source>
        <translation>Central system: connecting…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="343" />
        <source>● 中心系统：已连接</source>
        <translation>● Central system: connected</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="345" />
        <source>● 未连接中心系统，已离线保存</source>
        <translation>● Central system unreachable, saved offline</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="352" />
        <source>最近同步：{time}</source>
        <translation>Last sync: {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="369" />
        <source>待发送：{n}</source>
        <translation>Waiting to send: {n}</translation>
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
        <location filename="../../app/ui/records_view.py" line="34" />
        <source>办理时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="34" />
        <source>事项</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="34" />
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="35" />
        <source>公民身份号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="35" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="35" />
        <source>受理编号</source>
        <translation>Receipt no.</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="91" />
        <source>继续办理本事项</source>
        <translation>Another of the same</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="93" />
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="118" />
        <source>✔ 已受理</source>
        <translation>✔ Accepted</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="120" />
        <source>{item}　申请人：{who}&lt;br&gt;受理编号：&lt;b&gt;{receipt}&lt;/b&gt;</source>
        <translation>{item}  applicant: {who}&lt;br&gt;receipt number: &lt;b&gt;{receipt}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="123" />
        <source>未连接中心系统，已离线保存</source>
        <translation>Central system unreachable, saved offline</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="125" />
        <source>{item}　申请人：{who}&lt;br&gt;{reason}</source>
        <translation>{item}  applicant: {who}&lt;br&gt;{reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="128" />
        <source>已保存，正在发送…</source>
        <translation>Saved, sending…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="130" />
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
        <location filename="../../app/ui/errors.py" line="26" />
        <source>提示</source>
        <translation>Notice</translation>
    </message>
</context>
</TS>