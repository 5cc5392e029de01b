"""Log redaction: resident IDs, phone numbers and search terms never reach a log line.

Request lines carry staff searches (`/staff/?q=…`) and database errors can quote values;
both pass through this filter before any handler writes them.
"""

import logging
import re
import traceback

RESIDENT_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[2-9][0-9]{6,7}(?![0-9])")
# Search terms can be names or parts of IDs: drop the value, keep that a search happened.
SEARCH_PARAMETER = re.compile(r"([?&](?:q|receipt|code)=)[^&\s\"]*")
# PostgreSQL quotes the offending row in its error DETAIL ("Failing row contains (…)").
DATABASE_DETAIL = re.compile(r"DETAIL:.*")


def redact(text: str) -> str:
    text = DATABASE_DETAIL.sub("DETAIL: [已隐去]", text)
    text = SEARCH_PARAMETER.sub(r"\1[已隐去]", text)
    text = RESIDENT_ID.sub("[身份证号已隐去]", text)
    text = MOBILE.sub("[电话已隐去]", text)
    return LANDLINE.sub("[电话已隐去]", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
        return True


def install(*logger_names: str) -> None:
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PersonalDataFilter) for f in logger.filters):
            logger.addFilter(PersonalDataFilter())
