"""The HTML report as a PDF, through WeasyPrint (the ``[pdf]`` extra).

The HTML report is self-contained (inline styles and SVG charts), so the PDF is laid out from it
alone: the URL fetcher refuses every request, which keeps a label that smuggles a URL into the
report from making WeasyPrint reach out.
"""

from __future__ import annotations

from cmlops_kg.assessment.result import AssessmentResult
from cmlops_kg.errors import CmlopsError, InputError
from cmlops_kg.present.report import html_report

INSTALL = (
    "install the PDF extra: pip install 'cmlops-kg[pdf]' (WeasyPrint; it needs the Pango "
    "library, e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0), or write the report "
    "as .html and print it from a browser"
)


def refusing_fetcher(urls: object) -> object:
    """A WeasyPrint URL fetcher that fetches nothing (``urls``: the ``weasyprint.urls``
    module, imported only when a PDF is asked for)."""

    class RefusingFetcher(urls.URLFetcher):  # type: ignore[attr-defined,name-defined,misc]
        def fetch(self, url: str, headers: object = None) -> object:
            raise urls.URLFetchingError(  # type: ignore[attr-defined]
                f"the PDF report loads nothing from outside the file ({url[:80]})"
            )

    return RefusingFetcher()


def pdf_report(result: AssessmentResult, where: str = "report") -> bytes:
    """The HTML report of ``result`` laid out as PDF pages."""
    return pdf_of_html(html_report(result), where)


def available() -> bool:
    """Whether WeasyPrint can be imported (the [pdf] extra and its Pango library)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def pdf_of_html(html: str, where: str = "report") -> bytes:
    """A self-contained HTML document (the report) laid out as PDF pages."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint present, Pango missing
        raise InputError(f"cannot write a PDF report: {exc}", where=where, fix=INSTALL) from exc
    try:
        fetcher = refusing_fetcher(weasyprint.urls)
        return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    except CmlopsError:
        raise
    except Exception as exc:  # a layout failure must not end in a traceback
        raise InputError(
            f"WeasyPrint could not lay the report out: {exc}",
            where=where,
            fix="write the report as .html instead, and report this with the profile",
        ) from exc
