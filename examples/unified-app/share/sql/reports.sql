-- contributions per county, insurance and month (a report the application serves)
SELECT county_code, insurance_type, period, count(*), sum(employer_amount + person_amount)
FROM contribution GROUP BY county_code, insurance_type, period;
