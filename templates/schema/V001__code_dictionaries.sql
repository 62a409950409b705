-- V001 code dictionaries: the Ministry's code table AA10 (AAA100 code type, AAA101 type name,
-- AAA102 value, AAA103 meaning) and the mapping of columns to indicator codes (LB101-2000),
-- so people who know the Ministry's systems find their way around this schema.

CREATE TABLE dict_code (
    code_type  VARCHAR(6)   NOT NULL,            -- AAA100
    type_name  VARCHAR(60)  NOT NULL,            -- AAA101
    code_value VARCHAR(10)  NOT NULL,            -- AAA102
    meaning    VARCHAR(100) NOT NULL,            -- AAA103
    PRIMARY KEY (code_type, code_value)
);

CREATE TABLE indicator_map (
    table_name  VARCHAR(40) NOT NULL,
    column_name VARCHAR(40) NOT NULL,
    indicator   VARCHAR(6)  NOT NULL,
    meaning     VARCHAR(60) NOT NULL,
    PRIMARY KEY (table_name, column_name)
);

-- sex, GB/T 2261.1
INSERT INTO dict_code VALUES ('AAC004', '性别 sex', '0', '未知的性别 unknown');
INSERT INTO dict_code VALUES ('AAC004', '性别 sex', '1', '男 male');
INSERT INTO dict_code VALUES ('AAC004', '性别 sex', '2', '女 female');
INSERT INTO dict_code VALUES ('AAC004', '性别 sex', '9', '未说明的性别 unstated');
-- insurance types
INSERT INTO dict_code VALUES ('AAE140', '险种类型 insurance type', '110', '城镇企业职工基本养老保险 urban employee basic pension');
INSERT INTO dict_code VALUES ('AAE140', '险种类型 insurance type', '120', '机关事业单位养老保险 government and public institution pension');
INSERT INTO dict_code VALUES ('AAE140', '险种类型 insurance type', '210', '失业保险 unemployment');
INSERT INTO dict_code VALUES ('AAE140', '险种类型 insurance type', '310', '城镇职工基本医疗保险 urban employee basic medical');
INSERT INTO dict_code VALUES ('AAE140', '险种类型 insurance type', '330', '大额医疗费用补助 serious-illness medical');
INSERT INTO dict_code VALUES ('AAE140', '险种类型 insurance type', '410', '工伤保险 work injury');
INSERT INTO dict_code VALUES ('AAE140', '险种类型 insurance type', '510', '生育保险 maternity');
-- contribution status
INSERT INTO dict_code VALUES ('AAC031', '缴费状态 contribution status', '1', '参保缴费 paying');
INSERT INTO dict_code VALUES ('AAC031', '缴费状态 contribution status', '2', '暂停缴费 suspended');
INSERT INTO dict_code VALUES ('AAC031', '缴费状态 contribution status', '3', '终止缴费 terminated');
-- employer type
INSERT INTO dict_code VALUES ('AAB019', '单位类型 employer type', '10', '企业 enterprise');
INSERT INTO dict_code VALUES ('AAB019', '单位类型 employer type', '30', '机关 government body');
INSERT INTO dict_code VALUES ('AAB019', '单位类型 employer type', '50', '事业单位 public institution');
INSERT INTO dict_code VALUES ('AAB019', '单位类型 employer type', '55', '社会团体 social organisation');
INSERT INTO dict_code VALUES ('AAB019', '单位类型 employer type', '70', '个体工商户 individual business');
-- employer enrolment status
INSERT INTO dict_code VALUES ('AAB051', '单位参保状态 employer status', '1', '参保缴费 paying');
INSERT INTO dict_code VALUES ('AAB051', '单位参保状态 employer status', '2', '暂停缴费 suspended');
INSERT INTO dict_code VALUES ('AAB051', '单位参保状态 employer status', '3', '注销 closed');
-- reason a registered unemployment began (local extension)
INSERT INTO dict_code VALUES ('BJC001', '失业原因 unemployment reason', '1', '合同期满 contract ended');
INSERT INTO dict_code VALUES ('BJC001', '失业原因 unemployment reason', '2', '单位解除 dismissed');
INSERT INTO dict_code VALUES ('BJC001', '失业原因 unemployment reason', '3', '单位破产 employer bankrupt');
INSERT INTO dict_code VALUES ('BJC001', '失业原因 unemployment reason', '4', '本人辞职 resigned');
INSERT INTO dict_code VALUES ('BJC001', '失业原因 unemployment reason', '9', '其他 other');
-- benefit types (local extension)
INSERT INTO dict_code VALUES ('BJE001', '待遇类型 benefit type', '11', '基本养老金 basic pension');
INSERT INTO dict_code VALUES ('BJE001', '待遇类型 benefit type', '21', '失业保险金 unemployment benefit');
INSERT INTO dict_code VALUES ('BJE001', '待遇类型 benefit type', '41', '工伤待遇 work-injury benefit');
INSERT INTO dict_code VALUES ('BJE001', '待遇类型 benefit type', '51', '生育津贴 maternity allowance');
-- labor inspection case types (local extension)
INSERT INTO dict_code VALUES ('BJL001', '监察案件类型 inspection case type', '1', '拖欠工资 wage arrears');
INSERT INTO dict_code VALUES ('BJL001', '监察案件类型 inspection case type', '2', '未签劳动合同 no labor contract');
INSERT INTO dict_code VALUES ('BJL001', '监察案件类型 inspection case type', '3', '未参加社会保险 no social insurance');
INSERT INTO dict_code VALUES ('BJL001', '监察案件类型 inspection case type', '9', '其他 other');
