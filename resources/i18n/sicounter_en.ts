<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>Accessibility</name>
    <message>
        <location filename="../../app/ui/accessibility.py" line="83" />
        <source>显示</source>
        <translation>Display</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="85" />
        <source>字号、高对比度、语音提示和快捷键一览</source>
        <translation>Text size, high contrast, spoken prompts and the shortcut list</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="88" />
        <source>字号</source>
        <translation>Text size</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="98" />
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="99" />
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="100" />
        <source>正常</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="101" />
        <source>高对比度</source>
        <translation>High contrast</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="104" />
        <source>语音提示</source>
        <translation>Spoken prompts</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="108" />
        <source>本机未找到声音输出设备，语音提示不会发声。</source>
        <translation>No sound output was found on this computer: spoken prompts will be silent.</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="110" />
        <source>快捷键一览…</source>
        <translation>Keyboard shortcuts…</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="136" />
        <source>显示设置已生效，但未能保存（{error}），下次启动将恢复原设置。</source>
        <translation>The display setting is in effect but could not be saved ({error}); the next start uses the previous setting.</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="164" />
        <source>语音提示已开启。</source>
        <translation>Spoken prompts are on.</translation>
    </message>
    <message>
        <location filename="../../app/ui/accessibility.py" line="164" />
        <source>语音提示已关闭。</source>
        <translation>Spoken prompts are off.</translation>
    </message>
</context>
<context>
    <name>AdminWindow</name>
    <message>
        <location filename="../../app/ui/admin_window.py" line="37" />
        <source>社会保险经办柜台终端（系统管理）— {office}</source>
        <translation>Social Insurance Counter Terminal (administration) — {office}</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_window.py" line="38" />
        <source>未命名网点</source>
        <translation>unnamed office</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_window.py" line="52" />
        <source>终端编号：{id}</source>
        <extracomment>reference data the terminal refused or holds back for the administrator's confirmation</extracomment>
        <translation>Terminal: {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_window.py" line="55" />
        <source>社会保险经办柜台终端 · 系统管理</source>
        <translation>Social Insurance Counter Terminal · Administration</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_window.py" line="56" />
        <source>系统管理员：{name}（{id}）</source>
        <translation>Administrator: {name} ({id})</translation>
    </message>
</context>
<context>
    <name>AgeConfirmationPage</name>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="33" />
        <source>读取证件或输入公民身份号码查询本人；输入单位编号或统一社会信用代码，列出该单位即将到龄的人员。</source>
        <translation>Read a card or type an ID number to look up one person; type a unit number or credit code to list the unit's staff reaching retirement age.</translation>
    </message>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="35" />
        <source>公民身份号码，或单位编号／统一社会信用代码</source>
        <translation>ID number, or unit number / unified social credit code</translation>
    </message>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="40" />
        <source>{n} 个月内到龄</source>
        <translation>Due within {n} months</translation>
    </message>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="55" />
        <source>人员或单位的到龄信息</source>
        <translation>retirement-age information of a person or unit</translation>
    </message>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="62" />
        <source>单位到龄人员</source>
        <translation>the unit's staff at retirement age</translation>
    </message>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="72" />
        <source>中心系统没有该单位编号或统一社会信用代码的参保登记记录</source>
        <translation>The central system has no registration for this unit number or credit code</translation>
    </message>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="77" />
        <source>到龄月份按渐进式延迟法定退休年龄计算；企业女职工按档案原岗位（工人或干部）确定。</source>
        <translation>Months follow the gradual raise of the statutory retirement age; for women employees the post in the archive (worker or cadre) decides.</translation>
    </message>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="78" />
        <source>数据来自中心系统，本机不保存。</source>
        <translation>From the central system; nothing is kept on this terminal.</translation>
    </message>
    <message>
        <location filename="../../app/ui/age_confirmation_page.py" line="82" />
        <source>该单位在所选期间内没有到龄人员。</source>
        <translation>Nobody at this unit reaches retirement age in the chosen period.</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="108" />
        <source>分级审核：{step}</source>
        <translation>Tiered review: {step}</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="111" />
        <source>&lt;b&gt;{item}&lt;/b&gt;&lt;br&gt;申请人：{name}（{id}）&lt;br&gt;受理柜员：{clerk}　回执编号：{no}</source>
        <translation>&lt;b&gt;{item}&lt;/b&gt;&lt;br&gt;Applicant: {name} ({id})&lt;br&gt;Accepted by: {clerk}  Receipt no.: {no}</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="116" />
        <source>审核级别：&lt;b&gt;{tier}&lt;/b&gt;</source>
        <translation>Review tier: &lt;b&gt;{tier}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="119" />
        <source>提高审核级别的原因：{reasons}</source>
        <translation>Why the tier was raised: {reasons}</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="120" />
        <source>本事项按事项规定审核（未触发提高条件）。</source>
        <translation>Reviewed as the service item requires (no raising condition applies).</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="125" />
        <source>复核、审批须由受理柜员以外的柜员分别进行，同一柜员不能签两步；签字即表示已核对申请材料。本机无其他柜员时，可送中心或本大厅其他终端复核。</source>
        <translation>Review and approval are signed by clerks other than the one who took the case, one step each; signing means the materials were checked. Without another clerk here, send the case for review at the central system or another terminal of the office.</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="137" />
        <source>{step}签字</source>
        <translation>Sign {step}</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="141" />
        <source>送中心/他机复核</source>
        <translation>Send for review elsewhere</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="143" />
        <source>本机无其他柜员签字时，将本业务（含已有签字）送中心系统待复核，由中心或本大厅其他终端的柜员签字。</source>
        <translation>When no other clerk here can sign: send this case (with its signatures so far) to the central system to be signed there or on another terminal of the office.</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="148" />
        <location filename="../../app/ui/approval_dialog.py" line="188" />
        <source>{step}柜员工号</source>
        <translation>{step} clerk staff no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="86" />
        <source>尚未查看的扫描件：{names}。请逐一查看后再复核。</source>
        <translation>Scans not yet viewed: {names}. View each before signing.</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="89" />
        <source>已查看本业务的全部扫描件。</source>
        <translation>All scans of this case have been viewed.</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="90" />
        <source>本业务没有扫描件，请核对免于提交的原因。</source>
        <translation>This case has no scans; check the reasons materials were waived.</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="207" />
        <source>请输入签字柜员的工号和密码。</source>
        <translation>Enter the signing clerk's staff number and password.</translation>
    </message>
    <message>
        <location filename="../../app/ui/approval_dialog.py" line="149" />
        <location filename="../../app/ui/approval_dialog.py" line="190" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../app/ui/audit_page.py" line="81" />
        <source>序号</source>
        <extracomment>entries per page on the screen the earliest day the date filters offer; choosing it means "no bound" characters of a person key shown (enough to tell entries apart; the full key is in the tooltip) how detail keys read in the table (a key a newer release wrote is shown as it is)</extracomment>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="82" />
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="83" />
        <location filename="../../app/ui/audit_page.py" line="137" />
        <source>柜员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="84" />
        <location filename="../../app/ui/audit_page.py" line="138" />
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="85" />
        <source>业务编号</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="86" />
        <source>人员密钥</source>
        <translation>Person key</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="87" />
        <source>详情</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="105" />
        <source>审计日志</source>
        <extracomment>how many pages were asked for: an answer is shown only if no newer request followed it the last check shown (None before the first)</extracomment>
        <translation>Audit trail</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="106" />
        <source>每一次查阅都会记入审计日志。按证件号码检索时只使用其密钥哈希，不保存号码。</source>
        <translation>Every reading is recorded in the audit trail. A search by ID number uses only its keyed hash; the number is not kept.</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="111" />
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="118" />
        <source>柜员工号</source>
        <translation>Staff number</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="122" />
        <source>全部操作</source>
        <translation>All actions</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="125" />
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="129" />
        <source>重置</source>
        <translation>Reset</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="136" />
        <source>人员</source>
        <translation>Person</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="136" />
        <source>起</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="137" />
        <source>止</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="156" />
        <source>校验完整性</source>
        <translation>Verify integrity</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="162" />
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="167" />
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="195" />
        <source>不限</source>
        <translation>Any</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="248" />
        <source>正在校验…</source>
        <translation>Verifying…</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="278" />
        <source>中心系统已收到 {sent}/{all} 条</source>
        <translation>Central system holds {sent}/{all}</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="284" />
        <source>{person} 的记录，</source>
        <translation>records of {person}, </translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="285" />
        <source>{whose}第 {page}/{pages} 页，共 {total} 条</source>
        <translation>{whose}page {page}/{pages}, {total} in all</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="295" />
        <source>✖ 审计日志被改写：本机哈希链自洽（共 {n} 条），但与中心系统保存的副本不一致，第 {held} 条及之前的记录已被改写。请立即报告系统管理员，并保留本机数据。</source>
        <translation>✖ The audit trail was rewritten: its chain holds together ({n} entries) but differs from the central system's copy; entries up to {held} were rewritten. Report this to the administrator at once and keep this terminal's data.</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="299" />
        <source>✔ 审计日志完整：共 {n} 条，哈希链未被改动。</source>
        <translation>✔ Audit trail intact: {n} entries, the hash chain is unchanged.</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="300" />
        <source>与中心系统副本一致。</source>
        <translation> Agrees with the central system's copy.</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="303" />
        <source>✖ 审计日志不完整：第 {seq} 条处断开（{problem}）；此前 {n} 条完好。请立即报告系统管理员，并保留本机数据。</source>
        <translation>✖ Audit trail broken at entry {seq} ({problem}); the {n} entries before it are intact. Report this to the administrator at once and keep this terminal's data.</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="307" />
        <source>中心系统存有前 {n} 条的副本，可据此核对原始记录。</source>
        <translation> The central system holds a copy of the first {n} entries to check the originals against.</translation>
    </message>
    <message>
        <location filename="../../app/ui/audit_page.py" line="314" />
        <source>校验未能完成。</source>
        <translation>The check could not be completed.</translation>
    </message>
</context>
<context>
    <name>BatchImportPage</name>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="68" />
        <source>人员新增（批量导入）</source>
        <translation>New staff (batch import)</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="70" />
        <source>请单位使用本机提供的导入模板填写人员名单；导入后逐行核验，有误的单元格标红并说明原因，可导出标注错误的名单交单位修改。无误的人员作为一个批次受理，出具一张受理回执。</source>
        <translation>The employer fills in the staff list using the template this terminal provides; on import every row is checked, wrong cells are marked red with the reason, and the list with its mistakes marked can be exported for the employer to correct. The staff without mistakes are accepted as one batch with one receipt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="133" />
        <source>名单类型</source>
        <translation>List type</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="140" />
        <source>下载导入模板…</source>
        <translation>Save import template…</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="144" />
        <source>导入已填写的名单…</source>
        <translation>Import a filled list…</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="151" />
        <source>只显示有误的行</source>
        <translation>Only rows with mistakes</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="160" />
        <source>导出标注错误的名单…</source>
        <translation>Export the list with mistakes marked…</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="163" />
        <location filename="../../app/ui/batch_import_page.py" line="267" />
        <source>受理</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="195" />
        <source>已向中心系统核验是否已参保。</source>
        <translation>Checked with the central system whether anyone is already insured.</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="196" />
        <source>未能向中心系统核验是否已参保（未连接或暂不可用），将由中心系统受理时核验。</source>
        <translation>Could not check with the central system whether anyone is already insured (not connected or unavailable); the central system will check on receipt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="199" />
        <source>共 {rows} 行：可受理 {valid} 人，有误 {bad} 行（{problems} 处）。{year} 年月缴费基数 {floor}–{ceiling} 元。{central}</source>
        <translation>{rows} rows: {valid} can be accepted, {bad} rows with mistakes ({problems} in all). Monthly contribution base in {year}: {floor}–{ceiling} yuan. {central}</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="210" />
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="210" />
        <source>错误说明</source>
        <translation>Mistakes</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="253" />
        <source>仅列出前 {n} 行，全部错误见导出的标注名单。</source>
        <translation>Only the first {n} rows are listed; the exported marked-up list holds every mistake.</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="259" />
        <source>第 {row} 行：{text}</source>
        <translation>Row {row}: {text}</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="267" />
        <source>受理无误的 {n} 人</source>
        <translation>Accept the {n} without mistakes</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="273" />
        <source>保存导入模板</source>
        <translation>Save import template</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="274" />
        <location filename="../../app/ui/batch_import_page.py" line="285" />
        <location filename="../../app/ui/batch_import_page.py" line="305" />
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="279" />
        <source>模板已保存：{path}</source>
        <translation>Template saved: {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="284" />
        <source>导入人员名单</source>
        <translation>Import staff list</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="290" />
        <source>请先填写单位编号：名单中的人员将与该单位核对。</source>
        <translation>Enter the unit number first: the people on the list are checked against that unit.</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="304" />
        <source>导出标注错误的名单</source>
        <translation>Export the list with mistakes marked</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="311" />
        <source>已导出：{path}。请交单位按红色标注修改后重新导入。</source>
        <translation>Exported: {path}. Give it to the employer to correct the red cells and import it again.</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="321" />
        <source>请先填写单位和经办人信息（标红处）。</source>
        <translation>Fill in the unit and the representative first (marked red).</translation>
    </message>
    <message>
        <location filename="../../app/ui/batch_import_page.py" line="330" />
        <source>已受理 {n} 人，受理编号 {numbers}。</source>
        <translation>Accepted {n} people, receipt number {numbers}.</translation>
    </message>
</context>
<context>
    <name>CaptureDialog</name>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="113" />
        <source>拍摄材料</source>
        <extracomment>where the edge editor starts: the outline the page was cut along, or the one the detector suggested quarter turns clockwise the clerk gave the page by hand (旋转): a page cut again from the still keeps them, so that the clerk need not turn it again stills kept for setting edges by hand (an 8 MP still is 24 MB in memory): the newest pages how long the dialog stays open after an ID copy is composed, so the clerk can choose to stay and retake (material key, its pages in order now): emitted whenever they change, no confirmation needed</extracomment>
        <translation>Photograph materials</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="149" />
        <source>拍摄（空格）</source>
        <translation>Capture (Space)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="153" />
        <source>重拍所选页</source>
        <translation>Retake selected page</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="156" />
        <source>从文件导入…</source>
        <translation>Import from file…</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="159" />
        <source>调整边缘（E）</source>
        <translation>Adjust edges (E)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="165" />
        <source>彩色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="165" />
        <source>灰度</source>
        <translation>Grey</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="166" />
        <source>黑白</source>
        <translation>Black and white</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="170" />
        <source>身份证正反面合成一页</source>
        <translation>ID copy: both sides on one page</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="173" />
        <source>放稳后自动拍摄</source>
        <translation>Capture when still</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="176" />
        <source>材料放平不动约 0.7 秒且画面清晰时自动拍摄；边缘识别不可靠时不会自动拍摄</source>
        <translation>Takes the page by itself once the document lies still and sharp for about 0.7 s; never when its outline is uncertain</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="181" />
        <source>色彩：</source>
        <translation>Colour:</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="219" />
        <source>↺ 左转</source>
        <translation>↺ Rotate left</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="220" />
        <source>↻ 右转</source>
        <translation>↻ Rotate right</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="221" />
        <source>前移</source>
        <translation>Move earlier</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="222" />
        <source>后移</source>
        <translation>Move later</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="223" />
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="242" />
        <source>材料：</source>
        <translation>Material:</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="269" />
        <source>高拍仪未启用：可“从文件导入”已扫描的图片</source>
        <translation>Document camera off: you can "Import from file" scanned images</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="372" />
        <source>未能可靠识别材料边缘，拍摄将保留整幅画面</source>
        <translation>The document's edges could not be found reliably; a capture keeps the whole picture</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="402" />
        <source>图片 (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)</source>
        <translation>Images (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="531" />
        <source>请将材料平放在拍摄区内，绿色框为识别到的材料边缘。</source>
        <translation>Lay the document flat in the capture area; the green frame shows the edges found.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="294" />
        <source>高拍仪已断开，请检查连接线；重新接上后将自动恢复。</source>
        <translation>Document camera disconnected; check the cable. It resumes by itself once reconnected.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="161" />
        <source>拖动四个角点重新框出所选页的材料边缘并按此裁切（整幅保留或裁边不准时）</source>
        <translation>Drag the four corners onto the selected page's document and cut along them (when it was kept whole or cut wrongly)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="227" />
        <source>完成（Esc）</source>
        <translation>Done (Esc)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="230" />
        <source>拍好的页面已随拍随附加到申请，关闭窗口即可</source>
        <translation>Pages are attached to the application as they are taken; just close the window</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="232" />
        <source>留在此处</source>
        <translation>Stay here</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="234" />
        <source>不自动关闭，以便重拍或补拍</source>
        <translation>Do not close by itself, to retake or add pages</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="295" />
        <source>未检测到高拍仪，请接上高拍仪；也可“从文件导入”。</source>
        <translation>No document camera found; connect one, or "Import from file".</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="317" />
        <source>拍摄失败，请重拍。</source>
        <translation>Capture failed; please take it again.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="329" />
        <source>未能可靠识别材料边缘：请摆正材料，或按空格手动拍摄（将保留整幅画面）</source>
        <translation>The document's edges could not be found reliably: straighten it, or press Space to capture by hand (the whole picture is kept)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="336" />
        <source>正在处理…</source>
        <translation>Processing…</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="345" />
        <source>请保持材料不动，即将自动拍摄…</source>
        <translation>Keep the document still: capturing in a moment…</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="350" />
        <source>正在拍摄…</source>
        <translation>Capturing…</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="354" />
        <source>画面不够清晰，请稍候对焦或放平材料</source>
        <translation>The picture is not sharp: wait for focus or lay the document flat</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="360" />
        <location filename="../../app/ui/capture_dialog.py" line="452" />
        <source>请翻面，放国徽面</source>
        <translation>Turn the card over: national emblem side up</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="361" />
        <source>已拍摄，可放下一张证件</source>
        <translation>Captured; lay the next card</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="362" />
        <source>已拍摄，请放下一页；拍完请按 Esc 关闭</source>
        <translation>Captured; lay the next page, press Esc when done</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="368" />
        <source>未识别到证件边缘，请将证件平放在深色背景上、四角都在画面内</source>
        <translation>No card edge found: lay the card flat on a dark background with all four corners in view</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="370" />
        <source>画面太暗，请打开补光灯</source>
        <translation>Too dark: switch on the camera light</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="371" />
        <source>请放入材料</source>
        <translation>Place a document</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="436" />
        <source>正在核对角点，刚拍的证件面未采用；核对完成后请重拍。</source>
        <translation>Corners are being checked: the card side just taken was not used; take it again once they are checked.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="451" />
        <source>已拍人像面。请翻面，放国徽面（放稳后自动拍摄）。</source>
        <translation>Photo side taken. Turn the card over, emblem side up (captured when still).</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="467" />
        <source>人像面</source>
        <translation>photo side</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="467" />
        <source>国徽面</source>
        <translation>emblem side</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="468" />
        <source>{face}边缘识别不确定，请核对四个角点后按回车确认（Esc 取消）</source>
        <translation>The {face}'s edges were not found with certainty: check the four corners, then press Enter to confirm (Esc to cancel)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="470" />
        <source>核对证件边缘</source>
        <translation>Check the card's edges</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="484" />
        <source>人像面未采用。请重新放人像面（放稳后自动拍摄，或按空格拍摄）。</source>
        <translation>Photo side not used. Lay the photo side again (captured when still, or press Space).</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="486" />
        <source>国徽面未采用，已拍的人像面仍保留。请重新放国徽面（放稳后自动拍摄，或按空格拍摄）。</source>
        <translation>Emblem side not used; the photo side taken is kept. Lay the emblem side again (captured when still, or press Space).</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="508" />
        <source>已合成身份证复印件（正反面，原大）并附加到申请，稍后自动关闭；如需重拍请点“留在此处”。</source>
        <translation>ID copy composed (both sides, true size) and attached; this window closes in a moment. To retake, click "Stay here".</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="511" />
        <source>已合成身份证复印件（正反面，原大）并附加到申请。</source>
        <translation>ID copy composed (both sides, true size) and attached.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="530" />
        <source>请放身份证人像面（放稳后自动拍摄），再翻面放国徽面；两面将按原大合成在一页 A4 上。</source>
        <translation>Lay the ID card photo side up (captured when still), then turn it over; both sides go at true size on one A4 page.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="808" />
        <source>已留在拍摄窗口：可重拍、删除或补拍，完成后按 Esc 关闭。</source>
        <translation>Staying in the capture window: retake, delete or add pages, then press Esc.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="373" />
        <source>画面中有多份材料，请一次只放一份</source>
        <translation>Several documents in view: place one at a time</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="391" />
        <source>正在拍摄并处理…预览不受影响，可继续摆放下一页。</source>
        <translation>Capturing and processing… the preview keeps running; you can lay the next page.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="401" />
        <source>选择图片</source>
        <translation>Choose images</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="551" />
        <source>未能可靠识别材料边缘，已保留整幅画面（页面已标注“整幅保留，请核对”）；可按 E 拖动角点框出材料后裁切，或摆正后重拍。</source>
        <translation>The document's edges could not be found reliably, so the whole picture was kept (the page is marked "Whole picture kept, check it"); press E to drag the corners onto the document and cut it, or straighten it and retake.</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="556" />
        <source>已拍第 {n} 页（{w:.0f}×{h:.0f} 毫米，{kb:.0f} KB）</source>
        <translation>Page {n} taken ({w:.0f}×{h:.0f} mm, {kb:.0f} KB)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="559" />
        <source>；识别到条码：{codes}</source>
        <translation>; codes found: {codes}</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="597" />
        <source>未能可靠识别材料边缘，已保留整幅画面，请核对或重拍</source>
        <translation>The document's edges could not be found reliably; the whole picture was kept: check or retake it</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="613" />
        <source>整幅保留，请核对</source>
        <translation>Whole picture kept, check it</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="619" />
        <source>第 {n} 页</source>
        <translation>Page {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="621" />
        <source>（整幅保留，请核对）</source>
        <translation> (whole picture kept, check it)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="632" />
        <source>已拍页面（{n}）：可拖动调整顺序</source>
        <translation>Pages taken ({n}): drag to reorder</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="736" />
        <source>已按所框边缘裁切第 {n} 页（{w:.0f}×{h:.0f} 毫米）</source>
        <translation>Page {n} cut along the edges you set ({w:.0f}×{h:.0f} mm)</translation>
    </message>
    <message>
        <location filename="../../app/ui/capture_dialog.py" line="779" />
        <source>色彩设置将用于之后拍摄的页面。</source>
        <translation>The colour setting applies to pages taken from now on.</translation>
    </message>
</context>
<context>
    <name>CaseDialog</name>
    <message>
        <location filename="../../app/ui/case_view.py" line="467" />
        <source>查看办件（只读）</source>
        <translation>View case (read-only)</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="471" />
        <source>查看办件（只读）— {item}</source>
        <translation>View case (read-only) — {item}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="474" />
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="476" />
        <source>补打回执…</source>
        <translation>Reprint receipt…</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="478" />
        <source>催办…</source>
        <translation>Remind…</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="509" />
        <source>催办</source>
        <translation>Reminder</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="510" />
        <source>向中心系统催办此业务。可填写说明（可不填）：</source>
        <translation>Press the central system about this case. A note (optional):</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="526" />
        <source>{when}　柜员 {clerk}　{state}{note}</source>
        <translation>{when}  clerk {clerk}  {state}{note}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="528" />
        <source>已送达中心系统</source>
        <translation>delivered to the central system</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="528" />
        <source>待发送</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="530" />
        <source>催办记录（{n} 次）：</source>
        <translation>Reminders ({n}):</translation>
    </message>
</context>
<context>
    <name>CaseView</name>
    <message>
        <location filename="../../app/ui/case_view.py" line="97" />
        <source>正在读取业务…</source>
        <extracomment>the field-label (at least; the longest label of the case) and where-from columns, in pixels: the same in every section, so the values line up the case was read and is shown (the ``CaseFile``) a material's scan is on screen (its key) the full numbers asked for, by field key; kept only while shown the materials whose scan this view has shown (the signing part may ask that none is left unseen) the material last on screen, opened again when the view comes back after being hidden</extracomment>
        <translation>Reading the case…</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="146" />
        <source>正在打开扫描件…</source>
        <translation>Opening the scan…</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="158" />
        <source>已查看 ✓</source>
        <translation>Viewed ✓</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="189" />
        <source>隐藏号码</source>
        <translation>Hide number</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="209" />
        <location filename="../../app/ui/case_view.py" line="395" />
        <source>显示完整号码</source>
        <translation>Show full number</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="251" />
        <source>签名</source>
        <translation>Signature</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="258" />
        <source>{name}（{n}页）</source>
        <translation>{name} ({n} p.)</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="280" />
        <source>{who}签名</source>
        <translation>Signature of the {who}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="305" />
        <source>审核级别：{tier}</source>
        <translation>Review tier: {tier}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="312" />
        <source>申请人：{name}（{id}）</source>
        <translation>Applicant: {name} ({id})</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="313" />
        <source>状态：{state}</source>
        <translation>State: {state}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="314" />
        <source>受理编号：{no}</source>
        <translation>Receipt no.: {no}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="315" />
        <source>受理：柜员 {clerk}，{when}</source>
        <translation>Received: clerk {clerk}, {when}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="319" />
        <source>办结期限：{due}</source>
        <translation>Due by: {due}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="321" />
        <source>服务方式：{service}</source>
        <translation>Service: {service}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="323" />
        <source>第{n}版（退回后更正重报）</source>
        <translation>Version {n} (corrected after return)</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="325" />
        <source>复核柜员：{clerk}</source>
        <translation>Reviewed by: {clerk}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="328" />
        <source>{acting}；代办人证件号码：{origin}</source>
        <translation>{acting}; agent's ID number: {origin}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="340" />
        <source>审核级别提高：{reason}</source>
        <translation>Review tier raised: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="343" />
        <source>柜员 {id}</source>
        <translation>clerk {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="345" />
        <source>解锁后未改动</source>
        <translation>unlocked, left as read</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="346" />
        <source>读卡信息更正：{fields} — {reason}（{who}）</source>
        <translation>Card data corrected: {fields} — {reason} ({who})</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="347" />
        <source>未说明原因</source>
        <translation>no reason given</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="349" />
        <source>中心系统意见：{reason}</source>
        <translation>Central system note: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="352" />
        <source>本业务按第{old}版表单受理，字段名称按现行第{new}版显示。</source>
        <translation>Received on form version {old}; field names shown as in the current version {new}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="368" />
        <source>未填写</source>
        <translation>Not filled in</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="378" />
        <source>原读自{document}</source>
        <translation>Originally read from {document}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="398" />
        <source>显示完整的证件号码，此操作将记入审计日志</source>
        <translation>Show the full ID number; this is recorded in the audit trail</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="406" />
        <source>申请材料</source>
        <translation>Materials</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="420" />
        <source>已拍摄 {n} 页</source>
        <translation>{n} page(s) scanned</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="422" />
        <source>免于提交：{reason}</source>
        <translation>Waived: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="424" />
        <source>未提交</source>
        <translation>Not submitted</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="429" />
        <source>查看扫描件</source>
        <translation>View scan</translation>
    </message>
    <message>
        <location filename="../../app/ui/case_view.py" line="436" />
        <source>本业务无需提交：{names}</source>
        <translation>Not needed for this case: {names}</translation>
    </message>
</context>
<context>
    <name>CataloguePanel</name>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="56" />
        <source>服务事项</source>
        <extracomment>the clerk asked for an item's 办事指南 without starting its form (context menu)</extracomment>
        <translation>Services</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="61" />
        <source>收起事项目录（Ctrl+K 重新打开并搜索）</source>
        <translation>Fold the service catalogue (Ctrl+K opens it again and searches)</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="68" />
        <source>搜索：名称、关键字或拼音首字母</source>
        <translation>Search: name, keyword or pinyin initials</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="84" />
        <source>将所选事项加入或移出“我的收藏”（{keys}；也可右键点击事项）</source>
        <translation>Add the selected item to My favourites or remove it ({keys}; or right-click the item)</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="101" />
        <source>事项目录</source>
        <translation>Items</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="102" />
        <source>打开服务事项目录（Ctrl+K）</source>
        <translation>Open the service catalogue (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="155" />
        <source>☆ 取消收藏所选事项</source>
        <translation>☆ Remove selected item from favourites</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="157" />
        <source>★ 收藏所选事项</source>
        <translation>★ Add selected item to favourites</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="168" />
        <source>取消收藏</source>
        <translation>Remove from favourites</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="168" />
        <source>加入我的收藏</source>
        <translation>Add to My favourites</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="191" />
        <source> · 办理时限 {days} 个工作日</source>
        <translation> · time limit {days} working days</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="205" />
        <source>我的收藏</source>
        <translation>My favourites</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="206" />
        <source>最近使用</source>
        <translation>Recently used</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="207" />
        <source>热门事项</source>
        <translation>Frequent items</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="208" />
        <source>全部事项</source>
        <translation>All items</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="208" />
        <source>其他事项</source>
        <translation>Other items</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalogue_panel.py" line="170" />
        <source>办事指南</source>
        <translation>Service guide</translation>
    </message>
</context>
<context>
    <name>CertificatePage</name>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="77" />
        <source>证明由中心系统依据参保缴费记录出具，附验证码和二维码，银行、用人单位可扫码或凭验证码核验。</source>
        <translation>Issued by the central system from the insurance and contribution records, with a verification code and QR code that banks and employers can scan or check by code.</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="87" />
        <location filename="../../app/ui/certificate_page.py" line="265" />
        <source>请读取申请人本人的社会保障卡或居民身份证（放在读卡区）。</source>
        <translation>Read the applicant's own social security card or ID card (place it on the reader).</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="92" />
        <source>代办（本人未到场，由授权代办人办理）</source>
        <translation>Agent (the person is not present; an authorised agent applies)</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="94" />
        <source>代办人</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="101" />
        <source>按授权委托书填写，或读取申请人证件</source>
        <translation>Type it from the authorisation, or read the applicant's card</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="102" />
        <location filename="../../app/ui/certificate_page.py" line="259" />
        <source>读取代办人证件（F7）</source>
        <translation>Read agent's card (F7)</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="106" />
        <source>尚未读取代办人证件</source>
        <translation>Agent's card not read yet</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="110" />
        <source>请选择</source>
        <translation>Please choose</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="113" />
        <source>已查验授权委托书原件（监护人：监护关系证明）</source>
        <translation>Original authorisation checked (guardian: proof of guardianship)</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="118" />
        <source>证明对象身份号码</source>
        <translation>ID number of the person certified</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="119" />
        <source>代办人证件</source>
        <translation>Agent's card</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="121" />
        <source>与申请人关系</source>
        <translation>Relation to the applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="126" />
        <source>证明险种</source>
        <translation>Insurances certified</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="147" />
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="154" />
        <source>证明期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="160" />
        <source>如：购房、落户、子女入学（选填，印在证明上）</source>
        <translation>e.g. home purchase, residence registration, school enrolment (optional, printed)</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="161" />
        <source>证明用途</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="167" />
        <source>出具证明</source>
        <translation>Issue certificate</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="171" />
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="174" />
        <source>另存为PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="177" />
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="200" />
        <location filename="../../app/ui/certificate_page.py" line="306" />
        <source>出具后在此预览证明</source>
        <translation>The certificate is previewed here once issued</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="241" />
        <source>已读取{source}：{who}</source>
        <translation>Read {source}: {who}</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="247" />
        <source>已读取{source}：{who}（证明对象）</source>
        <translation>Read {source}: {who} (the person certified)</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="259" />
        <source>请读取代办人证件…</source>
        <translation>Read the agent's card…</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="264" />
        <source>代办：读取代办人本人的证件，按授权委托书填写证明对象身份号码。</source>
        <translation>Agent: read the agent's own card and type the certified person's ID number from the authorisation.</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="290" />
        <source>代办须读取代办人本人的居民身份证或社会保障卡（F7）。</source>
        <translation>An agent's own ID card or social security card must be read (F7).</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="292" />
        <source>请至少选择一个险种。</source>
        <translation>Choose at least one insurance.</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="294" />
        <source>证明期间的起始年月不能晚于截止年月。</source>
        <translation>The period's first month cannot be after its last month.</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="297" />
        <source>监护人代办须查验监护关系证明，查验后请勾选。</source>
        <translation>A guardian must show proof of guardianship; tick once checked.</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="320" />
        <source>正在向中心系统申请出具证明…</source>
        <translation>Asking the central system to issue the certificate…</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="328" />
        <source>出具证明失败，请重试。</source>
        <translation>The certificate could not be issued. Please try again.</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="337" />
        <source>已出具{title}，验证码 {code}。请打印或另存为PDF交申请人。</source>
        <translation>{title} issued, verification code {code}. Print it or save it as PDF for the applicant.</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="366" />
        <source>另存为PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="366" />
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="371" />
        <source>证明已保存：{path}</source>
        <translation>Certificate saved: {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/certificate_page.py" line="383" />
        <source>证明已送打印机。</source>
        <translation>Certificate sent to the printer.</translation>
    </message>
</context>
<context>
    <name>ClerkAdminPage</name>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="200" />
        <source>工号</source>
        <translation>Staff no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="200" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="200" />
        <source>岗位</source>
        <translation>Posts</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="200" />
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="201" />
        <source>锁定至</source>
        <translation>Locked until</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="208" />
        <source>新建柜员…</source>
        <translation>New clerk…</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="212" />
        <source>停用</source>
        <translation>Disable</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="215" />
        <source>重置密码…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="218" />
        <source>修改岗位…</source>
        <translation>Change posts…</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="230" />
        <source>柜员管理</source>
        <translation>Clerk management</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="231" />
        <source>系统管理员负责柜员账号、岗位和终端设置，不办理业务、不查看个人信息。每项操作均记入审计日志。</source>
        <translation>The administrator manages clerk accounts, posts and terminal settings, handles no business and sees no personal data. Every action is recorded in the audit trail.</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="260" />
        <source>正常</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="260" />
        <source>已停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="299" />
        <source>已新建柜员。</source>
        <translation>Clerk created.</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="305" />
        <source>已重置 {id} 的密码并解除锁定。</source>
        <translation>Password of {id} reset and lockout lifted.</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="311" />
        <source>已修改 {id} 的岗位，下次登录时生效。</source>
        <translation>Posts of {id} changed; they apply from the next sign-in.</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="318" />
        <source>已停用 {id}。</source>
        <translation>{id} disabled.</translation>
    </message>
</context>
<context>
    <name>CornerCanvas</name>
    <message>
        <location filename="../../app/ui/corner_editor.py" line="69" />
        <source>材料边缘：四个角点</source>
        <extracomment>the photo is shown from a copy at most this wide or high (an 8 MP still would cost every repaint) the starting outline when the detector suggested none: this share of the frame left free all round magnification of the view around the corner being moved, and its size on screen an outline covering at most this share of the photo opens zoomed onto it (an ID card: 2-10 %, a page: 25 % and more), with ``ZOOM_ROOM`` of its size free around it zoom per wheel notch or key press, and the narrowest view (share of the photo's width)</extracomment>
        <translation>Document edges: four corners</translation>
    </message>
</context>
<context>
    <name>CornerEditor</name>
    <message>
        <location filename="../../app/ui/corner_editor.py" line="322" />
        <source>调整材料边缘</source>
        <translation>Adjust the document's edges</translation>
    </message>
    <message>
        <location filename="../../app/ui/corner_editor.py" line="327" />
        <source>将四个角点拖到材料的四个角上，框外部分将被裁去。滚轮或 +/- 缩放，0 显示整幅画面。键盘：Tab 依次选择角点，方向键微调（按住 Shift 移动更快），回车确定。</source>
        <translation>Drag the four corner handles onto the corners of the document; everything outside is cut away. Wheel or +/- to zoom, 0 shows the whole photo. Keyboard: Tab selects the corners in turn, the arrow keys move one (faster with Shift), Enter confirms.</translation>
    </message>
    <message>
        <location filename="../../app/ui/corner_editor.py" line="331" />
        <source>撤销本次调整</source>
        <translation>Undo these changes</translation>
    </message>
    <message>
        <location filename="../../app/ui/corner_editor.py" line="334" />
        <source>框选整幅画面</source>
        <translation>Select the whole picture</translation>
    </message>
    <message>
        <location filename="../../app/ui/corner_editor.py" line="337" />
        <source>取消（Esc）</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <location filename="../../app/ui/corner_editor.py" line="340" />
        <source>按此边缘裁切（回车）</source>
        <translation>Cut along these edges (Enter)</translation>
    </message>
</context>
<context>
    <name>CreateClerkDialog</name>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="137" />
        <source>新建柜员</source>
        <translation>New clerk</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="144" />
        <source>工号</source>
        <translation>Staff no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="145" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="148" />
        <source>岗位</source>
        <translation>Posts</translation>
    </message>
</context>
<context>
    <name>CustomerScreen</name>
    <message>
        <location filename="../../app/ui/customer_screen.py" line="123" />
        <source>请核对您的信息 — 社会保险经办</source>
        <extracomment>the clerk's base text size when the style sheet does not say (counter.qss: ``QWidget { font-size: 15px }``) the applicant's base size, as a multiple of the clerk's the window's size when it is not full screen</extracomment>
        <translation>Please check your details — Social Insurance</translation>
    </message>
    <message>
        <location filename="../../app/ui/customer_screen.py" line="249" />
        <source>请准备好：{items}</source>
        <extracomment>shown where the mode says (``place``); a window closed by hand comes back with the next case the last case view's values by field key, to mark the one that just changed (same person only)</extracomment>
        <translation>Please have ready: {items}</translation>
    </message>
    <message>
        <location filename="../../app/ui/customer_screen.py" line="254" />
        <source>您办理的事项：{item}</source>
        <translation>Your application: {item}</translation>
    </message>
    <message>
        <location filename="../../app/ui/customer_screen.py" line="256" />
        <source>需要的材料</source>
        <translation>Materials needed</translation>
    </message>
    <message>
        <location filename="../../app/ui/customer_screen.py" line="287" />
        <source>（姓名待填写）</source>
        <translation>(name to be filled in)</translation>
    </message>
    <message>
        <location filename="../../app/ui/customer_screen.py" line="294" />
        <source>已受理　回执编号：{no}</source>
        <translation>Accepted    Receipt no.: {no}</translation>
    </message>
    <message>
        <location filename="../../app/ui/customer_screen.py" line="299" />
        <source>登记的信息（请核对）</source>
        <translation>What is recorded (please check)</translation>
    </message>
    <message>
        <location filename="../../app/ui/customer_screen.py" line="318" />
        <source>申请材料</source>
        <translation>Materials</translation>
    </message>
</context>
<context>
    <name>CustomerScreenHost</name>
    <message>
        <location filename="../../app/ui/customer_host.py" line="131" />
        <source>您的业务已受理　回执编号：{no}</source>
        <extracomment>the form page whose changes are followed the applicant ID number the page's values were entered for, and values left from an earlier person the submission the rating panel shown now is for</extracomment>
        <translation>Your application has been accepted    Receipt no.: {no}</translation>
    </message>
</context>
<context>
    <name>DemoPanel</name>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="42" />
        <source>演示设备：</source>
        <translation>Demo devices:</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="48" />
        <source>插入社保卡（{name}）</source>
        <translation>Insert SSC ({name})</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="50" />
        <source>拔出社保卡</source>
        <translation>Remove SSC</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="53" />
        <source>放置身份证（{name}）</source>
        <translation>Lay ID card ({name})</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="55" />
        <source>取走身份证</source>
        <translation>Lift ID card</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="57" />
        <source>高拍仪下放入材料</source>
        <translation>Lay a document under the camera</translation>
    </message>
    <message>
        <location filename="../../app/ui/demo_panel.py" line="65" />
        <source>清空拍摄区</source>
        <translation>Clear the capture area</translation>
    </message>
</context>
<context>
    <name>DeviceIndicator</name>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="63" />
        <source>{label}：查找中…</source>
        <translation>{label}: searching…</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="63" />
        <source>{label}：未启用</source>
        <translation>{label}: off</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="69" />
        <source>未连接</source>
        <translation>not connected</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="71" />
        <source>就绪</source>
        <translation>ready</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="73" />
        <source>正在读卡…</source>
        <translation>reading…</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="75" />
        <source>已读卡</source>
        <translation>card read</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="77" />
        <source>读卡失败</source>
        <translation>read failed</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="78" />
        <source>已断开</source>
        <translation>disconnected</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="90" />
        <source>{state}（{note}）</source>
        <translation>{state} ({note})</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="87" />
        <location filename="../../app/ui/device_indicator.py" line="91" />
        <source>● {label}：{state}</source>
        <translation>● {label}: {state}</translation>
    </message>
</context>
<context>
    <name>DuplicateDialog</name>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="104" />
        <source>该人员已参保</source>
        <translation>Already insured</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="109" />
        <source>例如：灵活就业人员中断缴费后重新参保</source>
        <translation>e.g. a flexible worker registering again after a break in contributions</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="113" />
        <source>仍要登记</source>
        <translation>Register anyway</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="115" />
        <source>返回核实</source>
        <translation>Go back and check</translation>
    </message>
</context>
<context>
    <name>EmployerQueryPage</name>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="25" />
        <source>输入单位编号或统一社会信用代码，并填写查询理由。</source>
        <translation>Type the unit number or unified social credit code, and give a reason.</translation>
    </message>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="29" />
        <source>单位编号或18位统一社会信用代码</source>
        <translation>Unit number or 18-character unified social credit code</translation>
    </message>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="41" />
        <location filename="../../app/ui/employer_query_page.py" line="45" />
        <source>单位信息</source>
        <translation>employer information</translation>
    </message>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="59" />
        <source>中心系统没有该单位编号或统一社会信用代码的参保登记记录</source>
        <translation>The central system has no registration for this unit number or credit code</translation>
    </message>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="64" />
        <source>已查询到：{who}</source>
        <translation>Found: {who}</translation>
    </message>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="65" />
        <source>数据来自中心系统（截至 {at}），本机不保存。</source>
        <translation>From the central system (as of {at}); nothing is kept on this terminal.</translation>
    </message>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="72" />
        <source>单位基本信息</source>
        <translation>Employer</translation>
    </message>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="74" />
        <source>联系人</source>
        <translation>Contacts</translation>
    </message>
    <message>
        <location filename="../../app/ui/employer_query_page.py" line="75" />
        <source>参保人员（证件号码已隐去中间位）</source>
        <translation>Insured staff (ID numbers masked)</translation>
    </message>
</context>
<context>
    <name>FormLookup</name>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="214" />
        <source>正在查询中心系统…</source>
        <translation>Looking the person up at the central system…</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="231" />
        <source>正在查询死亡人员的参保及待遇记录…</source>
        <translation>Looking up the deceased's insurance and benefit records…</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="261" />
        <source>正在查询中心系统的单位登记…</source>
        <translation>Looking the unit up at the central system…</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="281" />
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="292" />
        <source>未能连接中心系统查询单位登记，请按单位提供的材料填写</source>
        <translation>Could not reach the central system to look the unit up; fill in from the unit's documents</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="329" />
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="340" />
        <source>未能连接中心系统查询，已按卡面信息继续办理</source>
        <translation>Could not reach the central system for a lookup; carrying on with what the card says</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="355" />
        <source>死亡人员</source>
        <translation>Deceased</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="364" />
        <source>未能连接中心系统查询死亡人员记录，请按材料填写</source>
        <translation>Could not reach the central system for the deceased's records; fill them in from the documents</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="382" />
        <source>来自{source}，可修改；修改后按手工填写记录</source>
        <translation>From {source}; may be changed, and is then recorded as typed by hand</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="443" />
        <source>等{n}项</source>
        <translation> and others ({n} in all)</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="444" />
        <source>{whose}：已从{source}填入（可修改）：{fields}</source>
        <translation>{whose}: filled in from {source} (may be changed): {fields}</translation>
    </message>
    <message>
        <location filename="../../app/ui/lookup_banner.py" line="447" />
        <source>{whose}：已查询{source}，表单无需补充。</source>
        <translation>{whose}: looked up at {source}; nothing to add to the form.</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <location filename="../../app/ui/pages.py" line="112" />
        <source>办理时限：{basis}</source>
        <extracomment>the key that sends the next card read to the agent (代办人) section (issue 19: every action by keyboard) the text scale (per cent) from which the form's "still missing" line sits above the buttons, not beside them a card or ID card filled this form: (the ``IdentityReading``, the role it filled) the 签字 step before 提交, when the item asks for the applicant's (or agent's) signature</extracomment>
        <translation>Time limit: {basis}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="114" />
        <source>办理时限：{days} 个工作日（{basis}）</source>
        <translation>Time limit: {days} working days ({basis})</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="116" />
        <source>　　带 &lt;span style='color:#c0392b'&gt;*&lt;/span&gt; 为必填项</source>
        <translation>    Fields marked &lt;span style='color:#c0392b'&gt;*&lt;/span&gt; are required</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="119" />
        <source>提交</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="125" />
        <source>暂存</source>
        <translation>Save draft</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="127" />
        <source>保存已填写的内容和已拍摄的材料，稍后在办件记录中继续办理</source>
        <translation>Keep what is filled in and the pages taken so far, to continue later from the records</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="130" />
        <source>重置</source>
        <extracomment>the draft this form continues (submitting replaces it)</extracomment>
        <translation>Reset</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="143" />
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="150" />
        <location filename="../../app/ui/pages.py" line="379" />
        <source>读取代办人证件（F7）</source>
        <translation>Read the agent's ID (F7)</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="175" />
        <source>更正读卡信息</source>
        <translation>Correct card data</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="247" />
        <source>办事指南</source>
        <extracomment>buttons about the item rather than this application (办事指南, 一次性告知书) go here, top right what the central system said about the person (``app/ui/lookup_banner.py``) goes here why this form cannot be submitted as it stands (a card reported lost), None: nothing stops it asked before submitting; False when it took over (asks the clerk, then calls the callable given) the returned submission this form corrects, and its (or a draft's) sealed materials the clerk keeps</extracomment>
        <translation>Service guide</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="249" />
        <source>本事项的申请条件、材料及依据、办理时限</source>
        <translation>Who may apply, the materials and their legal basis, the time limit</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="251" />
        <source>一次性告知…</source>
        <translation>One-time notice…</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="253" />
        <source>材料不齐、今天不能受理时：打印一次性告知书，列明需补齐的材料</source>
        <translation>When materials are missing and the case cannot be accepted today: print a one-time notice listing what to bring</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="299" />
        <source>&lt;b&gt;更正被退回的业务（将作为第{n}版重新报送）&lt;/b&gt;&lt;br&gt;退回原因：{reason}</source>
        <translation>&lt;b&gt;Correcting a returned application (to be sent again as version {n})&lt;/b&gt;&lt;br&gt;Reason returned: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="300" />
        <source>（未注明）</source>
        <translation>(not given)</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="326" />
        <source>尚缺材料：{names}（拍摄或免提交）</source>
        <translation>Materials missing: {names} (photograph or waive)</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="327" />
        <location filename="../../app/ui/pages.py" line="345" />
        <source>等{n}项</source>
        <translation> and others ({n} in all)</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="348" />
        <source>还需填写：{names}</source>
        <translation>Still to fill in: {names}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="360" />
        <source>代办人</source>
        <translation>agent</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="360" />
        <source>申请人</source>
        <translation>applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="361" />
        <source>{whose}：已读取{source}：{who}。以下信息读自证件，不可直接修改：{fields}</source>
        <translation>{whose}: {source} read: {who}. These fields come from the document and cannot be edited directly: {fields}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="364" />
        <source>&lt;br&gt;已按证件预填（可修改）：{fields}</source>
        <translation>&lt;br&gt;Prefilled from the card (may be changed): {fields}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="378" />
        <source>请放置代办人证件…（F7 或点击取消）</source>
        <translation>Place the agent's ID… (F7 or click to cancel)</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="389" />
        <source>&lt;br&gt;已解锁更正，原因：{reason}</source>
        <translation>&lt;br&gt;Unlocked for correction, reason: {reason}</translation>
    </message>
</context>
<context>
    <name>FormView</name>
    <message>
        <location filename="../../app/ui/form_view.py" line="221" />
        <source>请选择</source>
        <extracomment>any value changed (materials whose need depends on a field re-check themselves) labels of fields required only in some cases: their star follows the other fields rows of fields shown only in some cases (a woman employee's post): shown as the values change the labels of the rows hidden now (a widget not yet in a shown window is "hidden" to Qt, so kept here) field key -&gt; the device it was read from (e.g. 社保卡); locked until overridden field key -&gt; the value as the device read it (to tell the reviewer which values a correction changed) more of where values came from, added by whoever filled them (the central system's lookup)</extracomment>
        <translation>Please choose</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="244" />
        <source>手机或座机号码</source>
        <translation>Mobile or landline number</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="245" />
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="245" />
        <source>整数</source>
        <translation>whole number</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="259" />
        <source>根据其他字段自动填写</source>
        <translation>Filled in from another field</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="337" />
        <source>读自{source}，如需更正请点击“更正读卡信息”并说明原因</source>
        <translation>Read from the {source}; to correct it click "Correct card data" and give a reason</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="402" />
        <source>号码归属地：{place}</source>
        <translation>Region of the number: {place}</translation>
    </message>
    <message>
        <location filename="../../app/ui/form_view.py" line="404" />
        <source>（该地区代码自{year}年起使用）</source>
        <translation> (code in use since {year})</translation>
    </message>
</context>
<context>
    <name>GuideDialog</name>
    <message>
        <location filename="../../app/ui/guide_page.py" line="65" />
        <source>办事指南 — {item}</source>
        <translation>Service guide — {item}</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="69" />
        <source>打印指南…</source>
        <translation>Print guide…</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="88" />
        <source>打印办事指南</source>
        <translation>Print service guide</translation>
    </message>
</context>
<context>
    <name>HeaderBar</name>
    <message>
        <location filename="../../app/ui/header.py" line="46" />
        <source>锁定</source>
        <extracomment>0: everything; higher: more left out (``_compact``)</extracomment>
        <translation>Lock</translation>
    </message>
    <message>
        <location filename="../../app/ui/header.py" line="49" />
        <source>退出登录</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../app/ui/header.py" line="88" />
        <source>柜台终端</source>
        <translation>Counter terminal</translation>
    </message>
</context>
<context>
    <name>HomeVisitPanel</name>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="64" />
        <location filename="../../app/ui/home_visit_panel.py" line="122" />
        <source>上门服务</source>
        <translation>Home visit</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="121" />
        <source>上门服务中：{place}</source>
        <translation>Home visit: {place}</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="122" />
        <source>上门服务中</source>
        <translation>Home visit on</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="128" />
        <source>已开启上门服务：此时受理的业务均记为上门服务，回执上注明。点击关闭（回到窗口办理时）。</source>
        <translation>Home-visit mode is on: every case taken now is recorded as a home visit and the receipt says so. Click to switch it off (back at the window).</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="130" />
        <source>外出上门服务前点击开启：此后受理的业务均记为上门服务。外出期间可离线办理，请先联网同步基础数据。</source>
        <translation>Switch on before leaving for a home visit: every case taken from then on is recorded as a home visit. You can work offline while out; sync the reference data on a network first.</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="137" />
        <source>基础数据未曾与中心核对</source>
        <translation>Reference data never checked</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="139" />
        <source>基础数据今日已核对</source>
        <translation>Reference data checked today</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="140" />
        <source>基础数据 {n} 天未更新</source>
        <translation>Reference data {n} days old</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="146" />
        <source>数据未核对</source>
        <translation>Data unchecked</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="146" />
        <source>数据？</source>
        <translation>Data ?</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="148" />
        <source>数据今日已核</source>
        <translation>Data checked</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="148" />
        <source>数据✓</source>
        <translation>Data ✓</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="149" />
        <source>数据 {n} 天未更新</source>
        <translation>Data {n} days old</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="149" />
        <source>数据{n}天</source>
        <translation>Data {n}d</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="153" />
        <source>表单定义</source>
        <translation>Form definitions</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="153" />
        <source>政策规则与年度指标</source>
        <translation>Policy rules and yearly figures</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="154" />
        <source>节假日安排</source>
        <translation>Holiday schedules</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="156" />
        <source>最近一次与中心系统核对基础数据：{time}</source>
        <translation>Last reference check with the central system: {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="157" />
        <source>尚未与中心系统核对过基础数据</source>
        <translation>The reference data has never been checked with the central system</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="159" />
        <source>中心下发第 {v} 版（{time} 接收）</source>
        <translation>version {v} from the central system (received {time})</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="161" />
        <source>随软件安装的版本</source>
        <translation>as installed with the software</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="164" />
        <source>，已有至 {year} 年的安排</source>
        <translation>, schedules up to {year}</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="165" />
        <source>，年度指标至 {year} 年</source>
        <translation>, figures up to {year}</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="168" />
        <source>基础数据可能已过期（超过 {n} 天未核对），表单、政策指标或节假日可能已调整。请连接网络后点击“立即同步”。</source>
        <translation>The reference data may be out of date (not checked for more than {n} days): forms, policy figures or holidays may have changed. Connect to the network and click "Sync now".</translation>
    </message>
</context>
<context>
    <name>InformDialog</name>
    <message>
        <location filename="../../app/ui/guide_page.py" line="110" />
        <source>一次性告知</source>
        <translation>One-time notice</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="118" />
        <source>事项：{item}&lt;br&gt;申请人：{name}　{number}</source>
        <translation>Item: {item}&lt;br&gt;Applicant: {name}　{number}</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="119" />
        <source>（未填写姓名）</source>
        <translation>(name not filled in)</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="123" />
        <source>本次不能受理。告知书将一次性列明申请人需补齐的以下材料及依据：</source>
        <translation>The case cannot be accepted today. The notice lists, all at once, these materials the applicant still has to bring, with their legal basis:</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="128" />
        <source>（申请材料已齐全或已免提交）</source>
        <translation>(all materials are present or waived)</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="139" />
        <source>表单尚有未填写的必填项。需申请人携带证明材料的，请勾选列入告知书：</source>
        <translation>Required entries are still empty. Tick those for which the applicant must bring a document, to list them on the notice:</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="162" />
        <source>说明（可选），例如：户口簿原件须本人携带</source>
        <translation>Note (optional), e.g. the original household register must be brought in person</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="165" />
        <source>确认并打印告知书</source>
        <translation>Confirm and print notice</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="175" />
        <source>说明：</source>
        <translation>Note:</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="177" />
        <source>表单保持打开，可继续暂存；告知记录计入“告知未受理”统计。</source>
        <translation>The form stays open and can still be saved as a draft; the notice is counted as "informed, not accepted".</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="194" />
        <source>告知书须写明申请人姓名：请先在表单中填写姓名。</source>
        <translation>The notice must name the applicant: fill in the name on the form first.</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="196" />
        <source>材料和信息已齐全，无需一次性告知，请直接提交受理。</source>
        <translation>Materials and entries are complete; no notice is needed. Submit the case instead.</translation>
    </message>
    <message>
        <location filename="../../app/ui/guide_page.py" line="198" />
        <source>请勾选需申请人补充证明的项目，或取消后直接暂存。</source>
        <translation>Tick the entries the applicant must bring a document for, or cancel and save a draft.</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="34" />
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="37" />
        <source>柜员：{name}（{id}）</source>
        <translation>Clerk: {name} ({id})</translation>
    </message>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="43" />
        <source>为保护办事群众的个人信息，本窗口已锁定。请输入本人密码解锁。</source>
        <translation>To protect applicants' personal data this window is locked. Enter your own password to unlock.</translation>
    </message>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="50" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="52" />
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="60" />
        <source>切换柜员</source>
        <translation>Switch clerk</translation>
    </message>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="62" />
        <source>由另一名柜员登录；本窗口未完成的表单将连同已拍摄的材料暂存为原柜员的草稿</source>
        <translation>Another clerk signs in; the unfinished form and its pages are kept as the previous clerk's draft</translation>
    </message>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="107" />
        <source>请输入密码。</source>
        <translation>Please enter the password.</translation>
    </message>
    <message>
        <location filename="../../app/ui/lock_screen.py" line="109" />
        <source>正在验证…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="119" />
        <source>社会保险经办柜台终端 — {office}</source>
        <extracomment>a submission was taken in (``Accepted``: the view and the receipt); the customer screen offers 好差评</extracomment>
        <translation>Social Insurance Counter — {office}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="120" />
        <source>未命名网点</source>
        <translation>unnamed office</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="245" />
        <source>办件查询</source>
        <extracomment>the open form's lookups at the central system (``app/ui/lookup_banner.py``) the last 一次性告知书 recorded here (to print again) the workbench's date at the counter (tests turn it forward) 显示 (text size, high contrast, voice) and the window's keys (issue 19; ``app/ui/accessibility.py``) 上门服务: the header's badge and the reference data's age in the status bar (issue 19) the idle lock, sign-out and clerk switch; the lock screen replaces ``outer`` entirely the status bar's counts and last sync, read again whenever counts may have changed the applicant's screen follows this window (``app/ui/customer_host.py``); None without one</extracomment>
        <translation>Records</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="262" />
        <source>社会保险经办柜台终端</source>
        <translation>Social Insurance Counter</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="263" />
        <source>柜员：{name}（{id}）</source>
        <translation>Clerk: {name} ({id})</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="250" />
        <source>审计日志</source>
        <translation>Audit trail</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="290" />
        <source>您好，{name}</source>
        <translation>Hello, {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="291" />
        <source>请在左侧选择服务事项（可输入名称、关键字或拼音首字母搜索）。</source>
        <translation>Choose a service on the left (search by name, keyword or pinyin initials).</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="400" />
        <source>该草稿超过 {days} 天未修改</source>
        <translation>This draft was not changed for {days} days</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="402" />
        <source>该业务已办结满 {days} 天</source>
        <translation>This case was closed more than {days} days ago</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="404" />
        <source>{reason}，申请人的个人信息和扫描件已于 {when} 按保存期限规定从本机清理，无法再查看。仅保留受理编号 {number}、事项、日期和办理状态；如需查阅请向中心系统调阅。</source>
        <translation>{reason}; the applicant's personal data and scans were removed from this terminal on {when} under the retention rules and cannot be viewed. Only the receipt number {number}, the service, the dates and the state are kept; ask the central system for the file.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="420" />
        <source>已签字，待下一步审批。</source>
        <translation>Signed; approval is next.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="422" />
        <source>签字完成，业务已排队报送中心系统。</source>
        <translation>All signed; the case is queued for the central system.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="427" />
        <source>已送中心系统待复核，签字后将自动更新状态。</source>
        <translation>Sent to the central system for review; its status updates once signed.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="441" />
        <source>找不到该业务的表单。</source>
        <translation>The form of this application is not available.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="450" />
        <source>已载入草稿及其已拍摄的材料。</source>
        <translation>Draft loaded with the pages taken so far.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="497" />
        <source>最近同步：—</source>
        <translation>Last sync: —</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="256" />
        <source>业务统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="466" />
        <source>已暂存，可在办件记录中选择“草稿”继续办理。</source>
        <translation>Saved as a draft; continue it from the list under "Drafts".</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="497" />
        <source>同步 —</source>
        <translation>Sync —</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="501" />
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="630" />
        <source>已记录一次性告知（编号 {no}），请打印告知书交申请人；表单仍可暂存。</source>
        <extracomment>one indicator per registered device, by its key</extracomment>
        <translation>One-time notice recorded (no. {no}); print it for the applicant. The form can still be saved as a draft.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="639" />
        <source>打印一次性告知书</source>
        <translation>Print one-time notice</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="685" />
        <source>已附加材料：{n} 页。</source>
        <translation>Material attached: {n} page(s).</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="720" />
        <source>本终端尚未配置中心系统连接，业务已排队，配置后自动发送。</source>
        <translation>This terminal has no central-system connection configured; the application is queued and will be sent once it is configured.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="779" />
        <source>已读取{source}：{who}，已填入表单。</source>
        <translation>{source} read: {who}; filled into the form.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="783" />
        <source>已读取{source}：{who}。请选择要办理的事项，申请人信息将自动填入。</source>
        <translation>{source} read: {who}. Choose a service; the applicant will be filled in.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="794" />
        <source>有业务被中心系统退回：{reason}。请在办件记录中更正重报。</source>
        <translation>An application was returned by the central system: {reason}. Correct and resend it from the list.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="797" />
        <source>送中心复核的业务已签字，中心系统已受理（{receipt}）。</source>
        <translation>A case sent for review elsewhere was signed; the central system accepted it ({receipt}).</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="801" />
        <source>中心系统证书无法验证</source>
        <translation>Central system certificate not trusted</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="812" />
        <source>中心系统下发的{what}未被采用：{reason}。仍按原有数据办理；请系统管理员核查。</source>
        <translation>The {what} sent by the central system were not used: {reason}. Work continues with the data in force; please ask the system administrator to check.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="818" />
        <source>中心系统：未配置</source>
        <translation>Central system: not configured</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="818" />
        <source>中心：未配置</source>
        <translation>Central: none</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="818" />
        <source>中心－</source>
        <translation>Central –</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="820" />
        <source>中心系统：连接中…</source>
        <translation>Central system: connecting…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="820" />
        <source>中心：连接中…</source>
        <translation>Central: connecting…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="820" />
        <source>中心…</source>
        <translation>Central…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="822" />
        <source>● 中心系统：已连接</source>
        <translation>● Central system: connected</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="822" />
        <source>● 中心：已连接</source>
        <translation>● Central: connected</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="822" />
        <source>中心✓</source>
        <translation>Central ✓</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="824" />
        <source>● 未连接中心系统，已离线保存</source>
        <translation>● Central system unreachable, saved offline</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="824" />
        <source>● 离线保存</source>
        <translation>● Saved offline</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="824" />
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="862" />
        <source>最近同步：{time}</source>
        <translation>Last sync: {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="863" />
        <source>同步 {time}</source>
        <translation>Sync {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="866" />
        <source>待发送：{n}</source>
        <translation>Waiting to send: {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="867" />
        <source>待发</source>
        <translation>To send</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="869" />
        <source>　待复核：{n}</source>
        <translation>  Awaiting review: {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="870" />
        <source>复核</source>
        <translation>Review</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="872" />
        <source>　已退回：{n}</source>
        <translation>  Returned: {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="873" />
        <source>退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="919" />
        <source>本终端版本不提供“{name}”，请升级终端软件。</source>
        <translation>This version of the terminal does not offer "{name}"; please update the terminal software.</translation>
    </message>
</context>
<context>
    <name>MaterialsPanel</name>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="58" />
        <source>申请材料</source>
        <extracomment>a reason shorter than this says nothing a reviewer could check pages already sealed with the version being corrected, kept unless retaken (key -&gt; page count)</extracomment>
        <translation>Materials</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="76" />
        <location filename="../../app/ui/materials_panel.py" line="239" />
        <source>拍摄…</source>
        <translation>Photograph…</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="79" />
        <location filename="../../app/ui/materials_panel.py" line="242" />
        <source>免提交…</source>
        <translation>Waive…</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="81" />
        <source>申请人无法提供且可通过信息共享等方式核实时，说明原因后免于提交</source>
        <translation>When the applicant cannot provide it and it can be verified otherwise (e.g. shared data), waive it with a reason</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="225" />
        <source>已拍 {n} 页</source>
        <translation>{n} page(s) taken</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="228" />
        <source>沿用原件 {n} 页</source>
        <translation>Kept from before: {n} pages</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="231" />
        <source>免提交：{reason}</source>
        <translation>Waived: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="234" />
        <source>未拍摄</source>
        <translation>Not yet taken</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="234" />
        <source>无需提供</source>
        <translation>Not needed</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="239" />
        <source>查看/重拍…</source>
        <translation>View / retake…</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="242" />
        <source>撤销免提交</source>
        <translation>Undo waiver</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <location filename="../../app/ui/pages.py" line="400" />
        <source>更正读卡信息</source>
        <translation>Correct card data</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="404" />
        <source>例如：卡内姓名为生僻字无法显示，按身份证更正</source>
        <translation>e.g. the name on the card has a character it cannot show; corrected from the ID card</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="412" />
        <source>请说明更正原因（将随业务一并记录）：</source>
        <translation>Why is it corrected? (recorded with the application):</translation>
    </message>
</context>
<context>
    <name>PageHeading</name>
    <message>
        <location filename="../../app/ui/header.py" line="117" />
        <source>返回首页</source>
        <translation>Back to home</translation>
    </message>
</context>
<context>
    <name>PendingReferenceDialog</name>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="34" />
        <source>统计指标（{code}）</source>
        <translation>yearly figures ({code})</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="36" />
        <source>表单定义</source>
        <translation>form definitions</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="37" />
        <source>节假日安排</source>
        <translation>holiday calendar</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="47" />
        <source>待确认的参考数据更新</source>
        <translation>Reference updates to confirm</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="50" />
        <source>以下表单定义由中心系统签名下发，但会降低审核级别或放宽必交材料，因此尚未生效，仍按原定义办理。请核实后逐项确认；确认将记入审计日志。</source>
        <translation>These form definitions were signed by the central system but lower a review tier or loosen required materials, so they are not in force yet and the old definitions still apply. Check each one before confirming it; confirmations are recorded in the audit trail.</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="61" />
        <source>确认生效</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="65" />
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="91" />
        <source>{title}（{code}，第 {version} 版）
{lines}</source>
        <translation>{title} ({code}, version {version})
{lines}</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="98" />
        <source>没有待确认的参考数据更新。</source>
        <translation>No reference updates to confirm.</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_dialog.py" line="114" />
        <source>已确认生效：{title}（已记入审计日志）。</source>
        <translation>Confirmed and in force: {title} (recorded in the audit trail).</translation>
    </message>
</context>
<context>
    <name>PersonQueryPage</name>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="40" />
        <source>读取社保卡或居民身份证即查询；未带证件时输入公民身份号码，并填写查询理由。</source>
        <translation>Reading the social security card or ID card looks the person up; without a card, type the ID number and give a reason.</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="47" />
        <source>输入18位公民身份号码</source>
        <translation>Type the 18-character ID number</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="60" />
        <location filename="../../app/ui/person_query_page.py" line="75" />
        <source>个人信息</source>
        <translation>personal information</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="90" />
        <source>中心系统没有该公民身份号码的参保登记记录</source>
        <translation>The central system has no registration for this ID number</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="106" />
        <source>已查询到：{who}　注意：社会保障卡{state}</source>
        <translation>Found: {who}　Note: social security card {state}</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="108" />
        <location filename="../../app/ui/person_query_page.py" line="111" />
        <source>数据来自中心系统（截至 {at}），本机不保存。</source>
        <translation>From the central system (as of {at}); nothing is kept on this terminal.</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="110" />
        <source>已查询到：{who}</source>
        <translation>Found: {who}</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="118" />
        <source>显示完整号码</source>
        <translation>Show full numberShow full number</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="121" />
        <source>显示完整的证件号码，此操作将记入审计日志</source>
        <translation>Show the full ID number; this is recorded in the audit trailShow the full ID number; this is recorded in the audit trail</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="124" />
        <source>基本信息</source>
        <translation>Identity</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="125" />
        <source>五险参保状态</source>
        <translation>Five insurances</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="127" />
        <source>缴费记录（按险种）</source>
        <translation>Contribution periods (by insurance)</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="131" />
        <source>养老保险个人权益</source>
        <translation>Pension account</translation>
    </message>
    <message>
        <location filename="../../app/ui/person_query_page.py" line="132" />
        <source>待遇领取</source>
        <translation>Benefits</translation>
    </message>
</context>
<context>
    <name>PlaceDialog</name>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="179" />
        <location filename="../../app/ui/home_visit_panel.py" line="188" />
        <source>开启上门服务</source>
        <translation>Switch on home visit</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="180" />
        <source>开启后，本机受理的业务均记为“上门服务”，回执上注明服务方式。外出期间无网络也可办理：业务保存在本机，回到有网络处后自动发送。</source>
        <translation>Once on, every case taken on this computer is recorded as a home visit, and the receipt says so. You can work without a network while out: cases are kept here and sent automatically once a network is back.</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="186" />
        <source>服务地点（可选）：乡镇、社区或村，如“城关镇幸福村”</source>
        <translation>Place (optional): township, community or village, e.g. "Xingfu village, Chengguan"</translation>
    </message>
    <message>
        <location filename="../../app/ui/home_visit_panel.py" line="189" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>PreviewView</name>
    <message>
        <location filename="../../app/ui/preview.py" line="81" />
        <source>正在连接高拍仪…</source>
        <translation>Connecting to the document camera…</translation>
    </message>
</context>
<context>
    <name>QueryScreen</name>
    <message>
        <location filename="../../app/ui/query_common.py" line="213" />
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="225" />
        <source>查询…</source>
        <translation>Look up…</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="270" />
        <source>请先输入要查询的号码。</source>
        <translation>Type the number to look up first.</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="273" />
        <source>人员信息</source>
        <translation>personal information</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="300" />
        <source>查询已读取的{source}：{who}</source>
        <translation>Look up the {source} just read: {who}</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="321" />
        <source>正在查询{what}…</source>
        <translation>Looking up {what}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="330" />
        <source>本查询需要连接中心系统，当前无法连接</source>
        <translation>This query needs the central system, which cannot be reached now</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="331" />
        <source>查询结果只在中心系统，本机不保存任何人员或单位信息；请检查网络连接，恢复后重试。</source>
        <translation>Query results live only at the central system; this terminal keeps no person or employer data. Check the network and try again when it is back.</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="335" />
        <source>中心系统未能完成查询</source>
        <translation>The central system could not complete the query</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="336" />
        <source>中心系统返回错误。</source>
        <translation>The central system answered with an error.</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="336" />
        <source>请稍后重试；如持续出现，请联系系统管理员。</source>
        <translation>Try again later; if it persists, contact the system administrator.</translation>
    </message>
</context>
<context>
    <name>RatingPanel</name>
    <message>
        <location filename="../../app/ui/rating_panel.py" line="52" />
        <source>请您对本次服务进行评价</source>
        <extracomment>how long the panel waits for a touch before it goes back to the welcome (no rating) how long the thanks stay on screen</extracomment>
        <translation>Please rate our service today</translation>
    </message>
    <message>
        <location filename="../../app/ui/rating_panel.py" line="75" />
        <source>请选择不满意的原因（可多选，至少一项）</source>
        <extracomment>level -&gt; its button, best first</extracomment>
        <translation>Please choose what you were not satisfied with (one or more)</translation>
    </message>
    <message>
        <location filename="../../app/ui/rating_panel.py" line="89" />
        <source>提交评价</source>
        <extracomment>reason code -&gt; its checkable button</extracomment>
        <translation>Submit rating</translation>
    </message>
    <message>
        <location filename="../../app/ui/rating_panel.py" line="97" />
        <source>感谢您的评价！</source>
        <translation>Thank you for your rating!</translation>
    </message>
    <message>
        <location filename="../../app/ui/rating_panel.py" line="103" />
        <source>跳过</source>
        <translation>Skip</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../app/ui/query_common.py" line="148" />
        <source>查询理由</source>
        <translation>Reason for the query</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="152" />
        <source>（请选择或填写查询理由）</source>
        <translation>(choose or type a reason)</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="152" />
        <source>本人到场，未带证件</source>
        <translation>The person is present without their card</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="153" />
        <source>代办人持授权委托书办理</source>
        <translation>An agent with a power of attorney</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="153" />
        <source>单位经办人持介绍信办理</source>
        <translation>The employer's clerk with a letter of introduction</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="154" />
        <source>受理业务需核实参保信息</source>
        <translation>Insurance records must be checked for an application</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="159" />
        <source>至少 {n} 个字，将与查询一并记录</source>
        <translation>At least {n} characters, recorded with the query</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="166" />
        <source>查询</source>
        <translation>Look upSearch</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="168" />
        <source>取消</source>
        <translation>CancelCancel</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="172" />
        <source>未读取证件查询{subject}，须填写查询理由（记入查询记录和审计日志）：</source>
        <translation>Looking up {subject} without reading a card needs a reason (recorded with the query and in the audit trail):</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="176" />
        <source>查询号码：{key}</source>
        <translation>Number: {key}</translation>
    </message>
    <message>
        <location filename="../../app/ui/query_common.py" line="196" />
        <source>请填写查询理由后再查询。</source>
        <translation>Give a reason before looking up.</translation>
    </message>
</context>
<context>
    <name>ReassignDialog</name>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="45" />
        <source>改派业务</source>
        <translation>Reassign case</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="56" />
        <source>业务：</source>
        <translation>Case:</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="57" />
        <source>状态：</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="59" />
        <source>当前经办柜员：</source>
        <translation>Current clerk:</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="62" />
        <source>正在读取柜员…</source>
        <translation>Loading clerks…</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="64" />
        <source>改派给：</source>
        <translation>Reassign to:</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="67" />
        <source>必填，例如：原经办柜员休假</source>
        <translation>Required, e.g. the clerk is on leave</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="70" />
        <source>改派原因：</source>
        <translation>Reason:</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="72" />
        <source>只能改派给在岗的受理柜员；改派记入审计日志。</source>
        <translation>Only an active front-desk clerk can take the case; the reassignment is recorded in the audit log.</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="83" />
        <source>确定改派</source>
        <translation>Reassign</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="87" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="100" />
        <location filename="../../app/ui/reassign_dialog.py" line="103" />
        <source>{name}（{id}）</source>
        <translation>{name} ({id})</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="104" />
        <source>请选择柜员</source>
        <translation>Choose a clerk</translation>
    </message>
    <message>
        <location filename="../../app/ui/reassign_dialog.py" line="104" />
        <source>没有可接办的在岗受理柜员</source>
        <translation>No active front-desk clerk can take it</translation>
    </message>
</context>
<context>
    <name>RecordsPage</name>
    <message>
        <location filename="../../app/ui/records_page.py" line="56" />
        <source>不限</source>
        <extracomment>the earliest date the date fields offer; shown as "不限" (no bound) the states the state filter offers ("待发送" also lists those on their way)</extracomment>
        <translation>Any</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="80" />
        <source>补打受理回执</source>
        <translation>Reprint acceptance receipt</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="92" />
        <source>催办</source>
        <translation>Reminder</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="93" />
        <source>向中心系统催办此业务。可填写说明（可不填）：</source>
        <translation>Press the central system about this case. A note (optional):</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="113" />
        <source>办件查询</source>
        <translation>Records</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="131" />
        <source>姓名（可部分）</source>
        <translation>Name (or part)</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="136" />
        <source>输入完整证件号码，或其前 {n} 位以上、后 {n} 位以上（如末四位）</source>
        <translation>The whole ID number, or at least its first or last {n} characters (e.g. the last four)</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="137" />
        <source>全部，或前/后 {n} 位以上</source>
        <translation>Whole, or first/last {n}+</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="140" />
        <source>回执或中心编号（可部分）</source>
        <translation>Receipt or central no. (or part)</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="145" />
        <source>全部事项</source>
        <translation>All services</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="151" />
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="159" />
        <source>工号</source>
        <translation>Staff no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="160" />
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="164" />
        <source>重置</source>
        <translation>Reset</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="172" />
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="172" />
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="173" />
        <source>受理编号</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="173" />
        <source>受理柜员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="174" />
        <source>事项</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="174" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="175" />
        <source>受理日期自</source>
        <translation>Received from</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="175" />
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="198" />
        <source>证件号码至少输入 {n} 位（可输入前几位或后几位）。</source>
        <translation>Enter at least {n} characters of the ID number (its first or last ones).</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="237" />
        <source>选中办件：</source>
        <translation>Selected case:</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="247" />
        <source>查看办件…</source>
        <translation>View case…</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="248" />
        <source>继续办理…</source>
        <translation>Continue…</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="249" />
        <source>复核/审批…</source>
        <translation>Review/approve…</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="250" />
        <source>更正重报…</source>
        <translation>Correct and resend…</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="251" />
        <source>改派…</source>
        <translation>Reassign…</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="252" />
        <source>把草稿或被退回的业务改派给其他受理柜员</source>
        <translation>Give a draft or a returned case to another front-desk clerk</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="253" />
        <source>补打回执…</source>
        <translation>Reprint receipt…</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="254" />
        <source>重新打印受理回执，回执上注明第几次打印由审计记录</source>
        <translation>Print the acceptance receipt again; the audit trail records which copy it is</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="255" />
        <source>催办…</source>
        <translation>Remind…</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="256" />
        <source>中心系统尚未答复的业务，向中心系统催办</source>
        <translation>Press the central system about a case it has not answered yet</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="258" />
        <source>他机送审…</source>
        <translation>Cases from other terminals…</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="259" />
        <source>本大厅其他终端送中心待复核的业务，在本机签字</source>
        <translation>Cases other terminals of the office sent for review: sign them here</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="286" />
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="291" />
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_page.py" line="301" />
        <source>第 {page} / {pages} 页，共 {total} 条</source>
        <translation>Page {page} / {pages}, {total} in all</translation>
    </message>
</context>
<context>
    <name>RecordsView</name>
    <message>
        <location filename="../../app/ui/records_view.py" line="26" />
        <source>草稿</source>
        <translation>Draft</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="27" />
        <source>待复核</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="28" />
        <source>已送中心复核</source>
        <translation>In review elsewhere</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="29" />
        <source>待发送</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="30" />
        <source>发送中</source>
        <translation>Sending</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="31" />
        <source>已受理</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="32" />
        <source>已退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="33" />
        <source>已办结</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="45" />
        <source>已清理</source>
        <extracomment>what a purged record shows instead of the applicant (issue 16 retention)</extracomment>
        <translation>Purged</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="54" />
        <source>办理时间</source>
        <extracomment>a page of records was shown (the window updates its buttons and the page controls)</extracomment>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="55" />
        <source>事项</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="56" />
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="57" />
        <source>公民身份号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="58" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="59" />
        <source>受理编号</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="60" />
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="61" />
        <source>办结期限</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="141" />
        <source>{date}（预计）</source>
        <extracomment>the signed-in clerk, whose post the query checks and on whose behalf each view asked for is recorded whether the clerk may read the list at all (a business post); for anyone else it stays empty and never asks, as the query would refuse it (the window does not show it to them either) the (filter, page) last recorded: a refresh of the same view is not a new view what is listed: the filter, the page shown (from 0) and how many match in all</extracomment>
        <translation>{date} (provisional)</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="161" />
        <source>第{n}版（更正）</source>
        <translation>Version {n} (correction)</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="165" />
        <source>{state}（已清理）</source>
        <translation>{state} (purged)</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="167" />
        <source>个人信息和扫描件已按保存期限清理</source>
        <translation>Personal data and scans removed (retention)</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="179" />
        <source>［上门］{item}</source>
        <translation>[home] {item}</translation>
    </message>
    <message>
        <location filename="../../app/ui/records_view.py" line="180" />
        <source>上门服务：在申请人家中受理</source>
        <translation>Home visit: taken at the applicant's home</translation>
    </message>
</context>
<context>
    <name>ReferenceAlertBar</name>
    <message>
        <location filename="../../app/ui/reference_alerts.py" line="65" />
        <source>已拒收中心系统下发的参考数据：{items}。仍按原有数据办理。</source>
        <translation>Reference data from the central system was refused: {items}. Work continues with the data in force.</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_alerts.py" line="68" />
        <source>有 {n} 项表单定义更新会降低审核要求，尚未生效，请核实后确认。</source>
        <translation>{n} form definition updates would lower the review requirements and are not in force yet; check and confirm them.</translation>
    </message>
    <message>
        <location filename="../../app/ui/reference_alerts.py" line="70" />
        <source>参考数据待确认（{n}）</source>
        <translation>Reference updates to confirm ({n})</translation>
    </message>
</context>
<context>
    <name>RemoteReviewDialog</name>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="69" />
        <source>他机送审业务（待复核）</source>
        <extracomment>a case was signed or returned (its new status is in the RemoteCase) where the case view reads cases from: the central system, audited here the office's cases awaiting review, as last listed the case open in the case view (None while on the list, or until it is read)</extracomment>
        <translation>Cases awaiting review from other terminals</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="81" />
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="84" />
        <source>← 返回列表</source>
        <translation>← Back to the list</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="87" />
        <location filename="../../app/ui/remote_review_dialog.py" line="185" />
        <source>正在读取中心系统的待复核业务…</source>
        <translation>Reading the cases awaiting review from the central system…</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="111" />
        <location filename="../../app/ui/remote_review_dialog.py" line="253" />
        <source>签字</source>
        <extracomment>the list, or the case opened whole (its page is filled with a case view each time one is chosen)</extracomment>
        <translation>Sign</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="115" />
        <source>退回…</source>
        <translation>Return…</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="137" />
        <source>签字柜员工号</source>
        <translation>Signing clerk staff no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="139" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="187" />
        <source>中心系统待复核业务：{n} 笔。请选择一笔业务查看并签字。</source>
        <translation>Cases awaiting review at the central system: {n}. Choose one to read and sign.</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="188" />
        <source>本大厅暂无他机送审的待复核业务。</source>
        <translation>No cases from other terminals of the office await review.</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="224" />
        <source>{item}　受理终端 {terminal}，受理柜员 {clerk}</source>
        <translation>{item}　taken on terminal {terminal} by clerk {clerk}</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="253" />
        <source>{step}签字</source>
        <translation>Sign {step}</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="258" />
        <source>请输入签字柜员的工号和密码。</source>
        <translation>Enter the signing clerk's staff number and password.</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="278" />
        <source>退回业务</source>
        <translation>Return case</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="278" />
        <source>退回原因（将告知受理柜员）：</source>
        <translation>Reason for returning (shown to the clerk who took it):</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="288" />
        <source>签字完成，中心系统已受理该业务。</source>
        <translation>Signed; the central system has accepted the case.</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="289" />
        <source>已退回受理柜员。</source>
        <translation>Returned to the clerk who took it.</translation>
    </message>
    <message>
        <location filename="../../app/ui/remote_review_dialog.py" line="290" />
        <source>已签字，待{step}。</source>
        <translation>Signed; {step} is next.</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="159" />
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="162" />
        <source>为 {name}（{id}）设置新密码，并解除锁定。</source>
        <translation>A new password for {name} ({id}); this also lifts a lockout.</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <location filename="../../app/ui/pages.py" line="452" />
        <source>继续办理本事项</source>
        <extracomment>the signed-in clerk, who re-reads the shown case and prints its receipt why the shown submission is not sent yet, as last said (kept when an operation changes it) the counter's receipt of the shown submission (kept while status updates come in) material key -&gt; its name, for the form the shown submission was made with</extracomment>
        <translation>Another of the same</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="454" />
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="457" />
        <source>复核…</source>
        <translation>Review…</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="462" />
        <source>打印回执…</source>
        <extracomment>whether the signed-in clerk reviews (复核/审批); the button stays hidden otherwise</extracomment>
        <translation>Print receipt…</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="478" />
        <source>回执编号：</source>
        <translation>Receipt no.:</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="480" />
        <source>受理人：</source>
        <translation>Accepted by:</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="537" />
        <source>已受理，待复核</source>
        <translation>Accepted, awaiting review</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="549" />
        <source>✔ 已受理</source>
        <translation>✔ Accepted</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="551" />
        <source>{item}　申请人：{who}&lt;br&gt;中心受理编号：&lt;b&gt;{receipt}&lt;/b&gt;</source>
        <translation>{item}  Applicant: {who}&lt;br&gt;Central acceptance no.: &lt;b&gt;{receipt}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="582" />
        <source>办结时限：</source>
        <translation>Time limit:</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="554" />
        <source>未连接中心系统，已离线保存</source>
        <translation>Central system unreachable, saved offline</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="540" />
        <source>{item}　申请人：{who}&lt;br&gt;本事项为重点业务（{tier}），须由其他柜员签字后报送中心系统。</source>
        <translation>{item}  Applicant: {who}&lt;br&gt;Key business ({tier}): other clerks must sign before it is sent to the central system.</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="543" />
        <source>已送中心，待他机复核</source>
        <translation>Sent; awaiting review elsewhere</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="546" />
        <source>{item}　申请人：{who}&lt;br&gt;已送中心系统待复核，由中心或本大厅其他终端的柜员签字后受理。</source>
        <translation>{item}  Applicant: {who}&lt;br&gt;Sent to the central system for review; accepted once a clerk there or on another terminal of the office signs.</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="556" />
        <source>{item}　申请人：{who}&lt;br&gt;{reason}</source>
        <translation>{item}  applicant: {who}&lt;br&gt;{reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="559" />
        <source>已保存，正在发送…</source>
        <translation>Saved, sending…</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="561" />
        <source>{item}　申请人：{who}&lt;br&gt;已保存在本机，正在发送至中心系统。</source>
        <translation>{item}  applicant: {who}&lt;br&gt;Saved on this terminal, sending to the central system.</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="566" />
        <source>{name} {n} 页</source>
        <translation>{name}: {n} page(s)</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="569" />
        <source>&lt;br&gt;已附材料（加密保存于本机）：{materials}</source>
        <translation>&lt;br&gt;Materials attached (encrypted on this terminal): {materials}</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="582" />
        <source>办结期限：</source>
        <translation>Due by:</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages.py" line="604" />
        <source>打印受理回执</source>
        <translation>Print acceptance receipt</translation>
    </message>
</context>
<context>
    <name>RolesDialog</name>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="174" />
        <source>修改岗位</source>
        <translation>Change posts</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="177" />
        <source>{name}（{id}）的岗位：</source>
        <translation>Posts of {name} ({id}):</translation>
    </message>
</context>
<context>
    <name>RulePanel</name>
    <message>
        <location filename="../../app/ui/rule_panel.py" line="36" />
        <source>以上为依据现行规定的测算，仅供参考，以经办机构核定为准。</source>
        <translation>Estimated under the current rules, for reference only; the office's decision prevails.</translation>
    </message>
    <message>
        <location filename="../../app/ui/rule_panel.py" line="74" />
        <source>&lt;b&gt;数据来源&lt;/b&gt;</source>
        <translation>&lt;b&gt;Where the numbers come from&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>ScanViewer</name>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="75" />
        <source>上一页</source>
        <extracomment>zoom steps: 0 is the whole page in view, then multiples of "fit the width" (where a page opens) the widest page image the viewer decodes, in pixels (a 4K screen's width at the largest zoom) Qt refuses to decode an image whose pixels would take more than this (MiB) the clerk chose another material in the list (its key); the owner opens it and calls ``show_scan``</extracomment>
        <translation>Previous page</translation>
    </message>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="78" />
        <source>下一页</source>
        <translation>Next page</translation>
    </message>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="83" />
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="86" />
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="91" />
        <source>扫描件</source>
        <translation>Scans</translation>
    </message>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="128" />
        <location filename="../../app/ui/scan_viewer.py" line="243" />
        <source>本业务没有扫描件。</source>
        <translation>This case has no scans.</translation>
    </message>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="141" />
        <location filename="../../app/ui/scan_viewer.py" line="243" />
        <source>请选择要查看的材料。</source>
        <translation>Choose a material to view.</translation>
    </message>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="186" />
        <source>第 {n} 页无法显示（图像已损坏或过大）。</source>
        <translation>Page {n} cannot be shown (damaged or too large).</translation>
    </message>
    <message>
        <location filename="../../app/ui/scan_viewer.py" line="195" />
        <source>第 {n}/{total} 页</source>
        <translation>Page {n}/{total}</translation>
    </message>
</context>
<context>
    <name>SessionGuard</name>
    <message>
        <location filename="../../app/ui/session_guard.py" line="95" />
        <source>切换柜员 - 社会保险经办柜台终端</source>
        <extracomment>the window keeps its open form as a draft: (why, then with the draft's id or None, or on failure) dialogs of the window hidden by the lock, shown again by the unlock</extracomment>
        <translation>Switch clerk - Social Insurance Counter Terminal</translation>
    </message>
    <message>
        <location filename="../../app/ui/session_guard.py" line="108" />
        <source>正在暂存未完成的表单…</source>
        <translation>Keeping the unfinished form as a draft…</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="52" />
        <source>搜索服务事项（打开事项目录并定位到搜索框）</source>
        <extracomment>the window's shortcuts, in the order the overview lists them</extracomment>
        <translation>Search the service items (opens the catalogue with the cursor in its search box)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="54" />
        <source>办事指南（当前表单或所选事项）</source>
        <translation>Service guide (of the open form or the chosen item)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="56" />
        <source>拍摄材料（第一项尚未齐全的材料）</source>
        <translation>Capture a material (the first one still missing)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="58" />
        <source>读取代办人证件</source>
        <translation>Read the agent's ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="60" />
        <source>提交</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="62" />
        <source>暂存（保存为草稿）</source>
        <translation>Save as draft</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="64" />
        <source>返回首页</source>
        <translation>Back to home</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="66" />
        <source>办件查询</source>
        <translation>Records</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="68" />
        <source>锁定屏幕</source>
        <translation>Lock the screen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="70" />
        <source>放大字号（125%、150%、200%）</source>
        <translation>Larger text (125%, 150%, 200%)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="72" />
        <source>缩小字号</source>
        <translation>Smaller text</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="74" />
        <source>恢复正常字号（100%）</source>
        <translation>Normal text size (100%)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="76" />
        <source>高对比度显示：开/关</source>
        <translation>High contrast: on/off</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="78" />
        <source>语音提示：开/关</source>
        <translation>Spoken prompts: on/off</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="80" />
        <source>快捷键一览（本表）</source>
        <translation>Keyboard shortcuts (this list)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="85" />
        <source>下一项 / 上一项（按表单从左到右、从上到下的顺序）</source>
        <extracomment>keys a form answers to by itself (no shortcut): listed in the overview</extracomment>
        <translation>Next / previous field (left to right, then down, as the form reads)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="86" />
        <source>在文本框中：转到下一项</source>
        <translation>In a text field: go to the next field</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="87" />
        <source>在事项搜索框中：收起目录，回到表单</source>
        <translation>In the item search: fold the catalogue and return to the form</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="88" />
        <source>拍摄窗口中：拍摄</source>
        <translation>In the capture window: capture</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="89" />
        <source>拍摄窗口中：调整所选页的材料边缘（整幅保留的页面）</source>
        <translation>In the capture window: adjust the selected page's edges (a page kept whole)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="100" />
        <source>表单页面</source>
        <extracomment>where a key works, for the overview's last column</extracomment>
        <translation>Form pages</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="101" />
        <source>任何页面</source>
        <translation>Any page</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="148" />
        <source>快捷键一览</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="150" />
        <source>以下操作均可只用键盘完成。按钮的提示中也标有对应的快捷键。</source>
        <translation>Everything below can be done with the keyboard alone. The buttons' tooltips show their keys too.</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="158" />
        <source>按键</source>
        <translation>Keys</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="158" />
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts.py" line="158" />
        <source>适用</source>
        <translation>Where</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../app/ui/signin.py" line="39" />
        <source>柜员登录 - 社会保险经办柜台终端</source>
        <translation>Clerk sign-in - Social Insurance Counter</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="43" />
        <source>社会保险经办柜台终端</source>
        <translation>Social Insurance Counter</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="52" />
        <location filename="../../app/ui/signin.py" line="66" />
        <source>工号</source>
        <translation>Staff no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="56" />
        <location filename="../../app/ui/signin.py" line="67" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="60" />
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="81" />
        <source>请输入工号和密码。</source>
        <translation>Enter your staff number and password.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin.py" line="84" />
        <source>正在验证…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <location filename="../../app/ui/signature_dialog.py" line="26" />
        <source>{who}签字</source>
        <translation>Signature: {who}</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="270" />
        <source>请在此处签名</source>
        <translation>Sign here</translation>
    </message>
</context>
<context>
    <name>SignaturePanel</name>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="300" />
        <source>请核对屏幕上的信息并签字</source>
        <translation>Please check the information on the screen and sign</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="324" />
        <source>申请人无法签字…</source>
        <translation>Applicant cannot sign…</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="326" />
        <source>申请人不能书写签名且无代办人时，由在场的见证人签字并注明原因</source>
        <translation>When the applicant cannot write a signature and has no agent, a witness present signs, with the reason noted</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="353" />
        <source>签字人　{who}</source>
        <translation>Signing: {who}</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="360" />
        <source>请见证人核对屏幕上的信息并签字</source>
        <translation>Witness: please check the information on the screen and sign</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="317" />
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="319" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_pad.py" line="321" />
        <source>确认</source>
        <translation>Confirm</translation>
    </message>
</context>
<context>
    <name>SignatureStep</name>
    <message>
        <location filename="../../app/ui/signature_step.py" line="67" />
        <source>{done}签字… (F8)</source>
        <translation>{done}Sign… (F8)</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_step.py" line="68" />
        <source>请{who}在签字板或触摸屏上核对信息并签字</source>
        <translation>The {who} checks the information and signs on the signature pad or touch screen</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_step.py" line="74" />
        <source>提交时请{who}签字</source>
        <translation>The {who} signs on submit</translation>
    </message>
    <message>
        <location filename="../../app/ui/signature_step.py" line="104" />
        <source>见证人签字</source>
        <translation>Witness signature</translation>
    </message>
</context>
<context>
    <name>StatsPage</name>
    <message>
        <location filename="../../app/ui/stats_page.py" line="48" />
        <location filename="../../app/ui/stats_page.py" line="96" />
        <source>受理</source>
        <extracomment>the measures drawn as bars per group: (attribute, colour)</extracomment>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="49" />
        <location filename="../../app/ui/stats_page.py" line="98" />
        <source>退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="50" />
        <location filename="../../app/ui/stats_page.py" line="99" />
        <source>逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="51" />
        <location filename="../../app/ui/stats_page.py" line="100" />
        <source>告知未受理</source>
        <translation>Informed, not accepted</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="55" />
        <source>按日</source>
        <extracomment>the period and grouping names (``app.reports``), marked here so that they are translated</extracomment>
        <translation>By day</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="55" />
        <source>按周</source>
        <translation>By week</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="56" />
        <source>按月</source>
        <translation>By month</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="56" />
        <source>按柜员</source>
        <translation>By clerk</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="57" />
        <source>按窗口</source>
        <translation>By window</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="57" />
        <source>按事项</source>
        <translation>By item</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="93" />
        <source>期间</source>
        <extracomment>the measures drawn as lines over time the most tick labels an axis shows (the others are left out, not overlapped) characters of a group's name under its bars</extracomment>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="94" />
        <location filename="../../app/ui/stats_page.py" line="158" />
        <source>分组</source>
        <translation>Group</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="95" />
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="97" />
        <source>更正重报</source>
        <translation>Corrections</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="101" />
        <source>免交材料</source>
        <translation>Waivers</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="102" />
        <source>已答复</source>
        <translation>Answered</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="103" />
        <source>上门</source>
        <translation>Home visits</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="104" />
        <source>平均答复（天）</source>
        <translation>Avg. answer (days)</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="105" />
        <source>评价</source>
        <translation>Rated</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="106" />
        <source>评价分布</source>
        <translation>Ratings 5·4·3·2·1</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="107" />
        <source>满意率</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="123" />
        <source>业务统计</source>
        <extracomment>the Beijing date the page counts "this month" and overdue cases from (tests set a fixed one) how many reports were asked for: an answer is shown only if no newer request followed it the report shown (None before the first)</extracomment>
        <translation>Statistics</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="124" />
        <source>按受理日期（北京时间）统计；退回、逾期与答复用时计入受理所在期间。答复用时为自然日。每次查询与导出都会记入审计日志。</source>
        <translation>Counted by acceptance date (Beijing time); returns, overdue cases and answer times count in the period the case was accepted. Answer times are calendar days. Every report and export is recorded in the audit log.</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="140" />
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="143" />
        <source>本年</source>
        <translation>This year</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="146" />
        <source>统计</source>
        <translation>Run</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="150" />
        <source>导出 Excel</source>
        <translation>Export Excel</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="153" />
        <source>导出 CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="158" />
        <source>周期</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="159" />
        <source>起</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="159" />
        <source>止</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="185" />
        <source>非常满意 · 满意 · 基本满意 · 不满意 · 非常不满意 的件数</source>
        <translation>Cases rated very satisfied · satisfied · basically satisfied · dissatisfied · very dissatisfied</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="187" />
        <source>各分组合计</source>
        <translation>Totals per group</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="191" />
        <source>随时间变化</source>
        <translation>Over time</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="258" />
        <source>正在统计…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="272" />
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="272" />
        <source>CSV 文件 (*.csv)</source>
        <translation>CSV file (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="273" />
        <source>导出统计</source>
        <translation>Export statistics</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="284" />
        <source>已导出：{path}</source>
        <translation>Exported: {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="302" />
        <source>{office}{since} 至 {until}：受理 {accepted} 件，更正重报 {corrections} 件，退回 {returned} 件，逾期 {overdue} 件，告知未受理 {informed} 次，免交材料 {waivers} 份，平均答复用时 {avg} 天；评价 {rated} 件，满意率 {satisfaction}。</source>
        <translation>{office}{since} to {until}: {accepted} accepted, {corrections} corrections, {returned} returned, {overdue} overdue, {informed} informed without acceptance, {waivers} materials waived, average answer time {avg} days; {rated} rated, satisfaction {satisfaction}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="308" />
        <source>共 {n} 行。</source>
        <translation>{n} rows.</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="309" />
        <source>所选期间没有业务。</source>
        <translation>No cases in the chosen period.</translation>
    </message>
    <message>
        <location filename="../../app/ui/stats_page.py" line="316" />
        <source>合计</source>
        <translation>Total</translation>
    </message>
</context>
<context>
    <name>VerificationPage</name>
    <message>
        <location filename="../../app/ui/verification_page.py" line="28" />
        <source>请将申请人的居民身份证放在阅读器上，或插入社会保障卡：读取后自动核验。</source>
        <translation>Lay the applicant's ID card on the reader or insert the social security card: it is verified once read.</translation>
    </message>
    <message>
        <location filename="../../app/ui/verification_page.py" line="35" />
        <source>等待读取证件</source>
        <translation>Waiting for a card</translation>
    </message>
    <message>
        <location filename="../../app/ui/verification_page.py" line="35" />
        <source>核验以证件为准，不能手工输入号码。</source>
        <translation>Verification needs the document; a number cannot be typed.</translation>
    </message>
    <message>
        <location filename="../../app/ui/verification_page.py" line="41" />
        <source>并核验{who}</source>
        <translation>and verifying {who}</translation>
    </message>
    <message>
        <location filename="../../app/ui/verification_page.py" line="63" />
        <source>核验结果：{verdict}</source>
        <translation>Result: {verdict}</translation>
    </message>
    <message>
        <location filename="../../app/ui/verification_page.py" line="71" />
        <source>中心系统其他信息</source>
        <translation>Also at the central system</translation>
    </message>
</context>
<context>
    <name>WaiveDialog</name>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="253" />
        <source>免于提交材料</source>
        <translation>Waive a material</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="257" />
        <source>例如：已通过公安人口信息共享核验，无需另行提供</source>
        <translation>e.g. verified through the police population data, no copy needed</translation>
    </message>
    <message>
        <location filename="../../app/ui/materials_panel.py" line="264" />
        <source>“{name}”免于提交的原因（将随业务一并记录，供复核）：</source>
        <translation>Why "{name}" is not provided (kept with the application for review):</translation>
    </message>
</context>
<context>
    <name>WitnessDialog</name>
    <message>
        <location filename="../../app/ui/witness_dialog.py" line="30" />
        <source>申请人无法签字</source>
        <translation>Applicant cannot sign</translation>
    </message>
    <message>
        <location filename="../../app/ui/witness_dialog.py" line="34" />
        <source>申请人本人无法书写签名、又没有代办人时，由在场的见证人（经办人员或陪同的成年人）核对信息后签字，回执上注明原因和见证人。</source>
        <translation>When the applicant cannot write a signature and has no agent, a witness present (a clerk or an accompanying adult) checks the information and signs; the receipt states the reason and the witness.</translation>
    </message>
    <message>
        <location filename="../../app/ui/witness_dialog.py" line="44" />
        <source>选择或填写原因</source>
        <translation>Choose or type the reason</translation>
    </message>
    <message>
        <location filename="../../app/ui/witness_dialog.py" line="47" />
        <source>见证人姓名</source>
        <translation>Witness's name</translation>
    </message>
    <message>
        <location filename="../../app/ui/witness_dialog.py" line="53" />
        <source>无法签字的原因</source>
        <translation>Why the applicant cannot sign</translation>
    </message>
    <message>
        <location filename="../../app/ui/witness_dialog.py" line="54" />
        <source>见证人</source>
        <translation>Witness</translation>
    </message>
    <message>
        <location filename="../../app/ui/witness_dialog.py" line="56" />
        <source>由见证人签字</source>
        <translation>Witness signs</translation>
    </message>
    <message>
        <location filename="../../app/ui/witness_dialog.py" line="57" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>WorkbenchPage</name>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="48" />
        <source>暂存</source>
        <extracomment>how often the workbench reads again on its own (and notices that the day changed)</extracomment>
        <translation>Drafts</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="49" />
        <source>待复核</source>
        <translation>Awaiting review</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="50" />
        <source>已退回（需更正）</source>
        <translation>Returned (to correct)</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="51" />
        <source>即将到期</source>
        <translation>Due soon</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="52" />
        <source>已逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="53" />
        <source>反馈通知</source>
        <translation>Answers</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="56" />
        <source>暂存未提交的业务，双击继续办理</source>
        <translation>Cases kept as drafts; double-click to continue</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="57" />
        <source>等待复核/审批签字的业务</source>
        <translation>Cases waiting for a review or approval signature</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="58" />
        <source>中心系统退回的业务，双击更正重报</source>
        <translation>Cases the central system returned; double-click to correct and resend</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="59" />
        <source>今天或 2 个工作日内到期、中心系统尚未答复的业务</source>
        <translation>Cases due today or within 2 working days that the central system has not answered</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="60" />
        <source>已超过法定办理时限、中心系统尚未答复的业务</source>
        <translation>Cases past their legal time limit that the central system has not answered</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="61" />
        <source>近 3 天中心系统的退回和办结通知</source>
        <translation>Returns and closures from the central system in the last 3 days</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="64" />
        <source>没有暂存的业务。</source>
        <translation>No drafts.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="65" />
        <source>没有等待复核的业务。</source>
        <translation>No cases awaiting review.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="66" />
        <source>没有被退回的业务。</source>
        <translation>No returned cases.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="67" />
        <source>近 2 个工作日内没有到期的业务。</source>
        <translation>Nothing falls due within 2 working days.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="68" />
        <source>没有逾期的业务。</source>
        <translation>No overdue cases.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="69" />
        <source>近 3 天没有中心系统的反馈。</source>
        <translation>No answers from the central system in the last 3 days.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="80" />
        <source>星期一</source>
        <extracomment>the colour of a tile's number when it is not zero (overdue red, due soon amber, returned red) the list shown first: the most urgent that holds anything 退回 red, 办结 green (as in the records list)</extracomment>
        <translation>Monday</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="80" />
        <source>星期二</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="81" />
        <source>星期三</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="81" />
        <source>星期四</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="82" />
        <source>星期五</source>
        <translation>Friday</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="82" />
        <source>星期六</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="83" />
        <source>星期日</source>
        <translation>Sunday</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="147" />
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="148" />
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="149" />
        <source>公民身份号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="150" />
        <source>受理编号</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="151" />
        <source>到期日</source>
        <translation>Due date</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="152" />
        <source>时限</source>
        <translation>Time left</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="153" />
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="154" />
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="176" />
        <source>工作台</source>
        <extracomment>a business post's read: anyone else gets no workbench at all (the query would refuse it)</extracomment>
        <translation>Workbench</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="258" />
        <source>{date} {weekday}</source>
        <translation>{weekday} {date}</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="304" />
        <source>共 {total} 件，此处列出最紧急的 {n} 件；其余请在办件记录中查询。</source>
        <translation>{total} cases in all; the {n} most urgent are listed here. Find the others in the records list.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="321" />
        <source>（预计）</source>
        <translation> (provisional)</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="323" />
        <source>逾期 {n} 天</source>
        <translation>{n} days overdue</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="325" />
        <source>今日到期</source>
        <translation>Due today</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="327" />
        <source>约剩 {n} 个工作日</source>
        <translation>about {n} working days left</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="329" />
        <source>剩 {n} 个工作日</source>
        <translation>{n} working days left</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="335" />
        <source>退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="335" />
        <source>办结</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="340" />
        <source>暂存于 {time}</source>
        <translation>Kept as draft {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="349" />
        <source>跨入尚未公布节假日安排的年份，按周末和固定日期法定节假日估算。</source>
        <translation>Runs into a year whose holiday schedule is not yet published; estimated from weekends and the fixed-date public holidays.</translation>
    </message>
    <message>
        <location filename="../../app/ui/workbench_page.py" line="351" />
        <source>该年节假日安排尚未公布，到期日为预计，公布后重新计算。</source>
        <translation>The year's holiday schedule is not yet published: the due date is provisional and will be recomputed when it is.</translation>
    </message>
</context>
<context>
    <name>_Form</name>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="105" />
        <source>至少8位，不能与工号相同</source>
        <extracomment>the posts in the order the screen lists them the least width of each column: staff number, name, posts, state, locked until</extracomment>
        <translation>At least 8 characters, not the staff number</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="106" />
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../app/ui/clerk_admin.py" line="107" />
        <source>再次输入</source>
        <translation>Again</translation>
    </message>
</context>
<context>
    <name>devices</name>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="20" />
        <source>社保卡读卡器</source>
        <translation>Card reader</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="21" />
        <source>身份证读卡器</source>
        <translation>ID reader</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="22" />
        <source>高拍仪</source>
        <translation>Document camera</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="23" />
        <source>社保卡</source>
        <translation>SSC</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="24" />
        <source>身份证</source>
        <translation>ID card</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="25" />
        <source>社保卡已拔出。已填写的内容保留在表单中。</source>
        <translation>Card removed. What is filled in stays in the form.</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="26" />
        <source>读卡服务未运行</source>
        <translation>PC/SC service not running</translation>
    </message>
    <message>
        <location filename="../../app/ui/device_indicator.py" line="27" />
        <source>{mp:.0f} 百万像素</source>
        <translation>{mp:.0f} MP</translation>
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