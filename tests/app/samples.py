"""Sample applications the window and sync tests share: one person, one retiree, one waiver."""

from __future__ import annotations

from app.demo_signature import demo_signature_png
from forms.idnumber import check_character

ID_NUMBER = "11010519491231002X"  # valid GB 11643 number (the standard's own example), a woman born 1949-12-31
#: a man born 1965-03: statutory retirement at 60 years 1 month, 2025-04
RETIREE_ID = "61020219650315123" + check_character("61020219650315123")
#: what a clerk writes when the ID card was read by the reader and no copy is taken
WAIVER = "已由身份证阅读器读取并核验"

REGISTRATION = {"id_type": "01", "id_number": ID_NUMBER, "name": "李秀英", "ethnicity": "01",
                "phone": "13800138000", "address": "陕西省铜川市王益区红旗街1号", "insured_category": "employee",
                "employer_code": "61020200001", "work_start_date": "1968-07-01"}

RETIREMENT = {"id_type": "01", "id_number": RETIREE_ID, "name": "王建国", "insured_category": "employee",
              "retirement_type": "normal", "retirement_month": "2025-04", "work_start_date": "1985-07-01",
              "contribution_months": "420", "bank_name": "中国工商银行", "bank_account": "6222021234567890123",
              "account_holder": "王建国", "phone": "13912345678", "address": "铜川市王益区红旗街1号",
              "employer_name": "铜川市王益区建材有限公司", "employer_credit_code": "91610202MA6YB7QX47"}
#: the applicant's signature for items whose definition asks for one (issue 19), as a pad would give it
SIGNATURE = demo_signature_png()
