-- V008 the Ministry's indicator codes (LB101-2000) of this schema's columns, as a table every
-- engine has (indicator_map) and, on PostgreSQL, as column comments.

INSERT INTO indicator_map VALUES ('person', 'id_number', 'AAC002', '社会保障号码 social security number (= ID number)');
INSERT INTO indicator_map VALUES ('person', 'person_no', 'AAC001', '个人编号 person number');
INSERT INTO indicator_map VALUES ('person', 'name', 'AAC003', '姓名 name');
INSERT INTO indicator_map VALUES ('person', 'sex', 'AAC004', '性别 sex');
INSERT INTO indicator_map VALUES ('person', 'birth_date', 'AAC006', '出生日期 birth date');
INSERT INTO indicator_map VALUES ('person', 'work_start', 'AAC007', '参加工作日期 date started work');
INSERT INTO indicator_map VALUES ('person', 'retired', 'AAC084', '离退休标志 retired');
INSERT INTO indicator_map VALUES ('person', 'area_code', 'AAB301', '行政区划代码 area code');
INSERT INTO indicator_map VALUES ('employer', 'employer_code', 'AAB001', '单位编号 employer number');
INSERT INTO indicator_map VALUES ('employer', 'name', 'AAB004', '单位名称 employer name');
INSERT INTO indicator_map VALUES ('employer', 'employer_type', 'AAB019', '单位类型 employer type');
INSERT INTO indicator_map VALUES ('employer', 'status', 'AAB051', '单位参保状态 employer enrolment status');
INSERT INTO indicator_map VALUES ('employer', 'area_code', 'AAB301', '行政区划代码 area code');
INSERT INTO indicator_map VALUES ('insurance_enrolment', 'id_number', 'AAC002', '社会保障号码 social security number');
INSERT INTO indicator_map VALUES ('insurance_enrolment', 'insurance_type', 'AAE140', '险种类型 insurance type');
INSERT INTO indicator_map VALUES ('insurance_enrolment', 'enrolled_on', 'AAC030', '参保日期 enrolment date');
INSERT INTO indicator_map VALUES ('insurance_enrolment', 'first_enrolled_on', 'AAC049', '首次参保日期 first enrolment date');
INSERT INTO indicator_map VALUES ('insurance_enrolment', 'status', 'AAC031', '缴费状态 contribution status');
INSERT INTO indicator_map VALUES ('contribution', 'id_number', 'AAC002', '社会保障号码 social security number');
INSERT INTO indicator_map VALUES ('contribution', 'insurance_type', 'AAE140', '险种类型 insurance type');
INSERT INTO indicator_map VALUES ('contribution', 'period', 'AAE003', '对应费款所属期 month the payment belongs to');
INSERT INTO indicator_map VALUES ('contribution', 'paid_month', 'AAE002', '费款所属期 payment month');
INSERT INTO indicator_map VALUES ('contribution', 'base', 'AAE180', '缴费基数 contribution base');
INSERT INTO indicator_map VALUES ('contribution', 'employer_code', 'AAB001', '单位编号 employer number');
INSERT INTO indicator_map VALUES ('benefit_payment', 'insurance_type', 'AAE140', '险种类型 insurance type');
INSERT INTO indicator_map VALUES ('benefit_payment', 'period', 'AAE003', '对应所属期 month the payment belongs to');
INSERT INTO indicator_map VALUES ('import_batch', 'loaded_by', 'AAE011', '经办人 clerk');
INSERT INTO indicator_map VALUES ('import_batch', 'started_at', 'AAE036', '经办时间 processing time');
INSERT INTO indicator_map VALUES ('dict_code', 'code_type', 'AAA100', '代码类别 code type');
INSERT INTO indicator_map VALUES ('dict_code', 'type_name', 'AAA101', '代码类别名称 code type name');
INSERT INTO indicator_map VALUES ('dict_code', 'code_value', 'AAA102', '代码值 code value');
INSERT INTO indicator_map VALUES ('dict_code', 'meaning', 'AAA103', '代码名称 meaning');
