# The patterns of `caseport mask` for GNU sed -E, to compare speed on the
# same input (docs/benchmarks.md). sed has no Luhn check, no address
# validation and no consistent numbering, so it does less work and masks
# more ordinary content than caseport mask.
s#://[^/[:space:]:@]+:[^/[:space:]@]*@#://<credential>@#g
s/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/<token>/g
s/\b([Bb]earer)[[:space:]]+[A-Za-z0-9._~+\/-]{16,}=*/\1 <token>/g
s/\b([Aa]uthorization["']?[[:space:]]*:[[:space:]]*["']?)([A-Za-z]+[[:space:]]+)?[^[:space:]"',;]+/\1\2<credential>/g
s/\b((set-)?[Cc]ookie[[:space:]]*:[[:space:]]*)[^"]+/\1<credential>/g
s/\b([A-Za-z_.-]*([Pp]ass(wd|word|phrase)|PASS(WD|WORD)|[Pp]wd|[Ss]ecret|SECRET|[Tt]oken|TOKEN|[Aa]pi[_-]?[Kk]ey|API_KEY|[Aa]ccess[_-]?[Kk]ey|[Pp]rivate[_-]?[Kk]ey|[Cc]redentials?|[Ss]ession[_-]?[Ii]d)["']?[[:space:]]*[:=][[:space:]]*"?)[^[:space:]&,;"'<>(){}]+/\1<credential>/g
s/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/<email>/g
s/\b([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b([0-9A-Fa-f]{1,4}:){1,6}:([0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4})*)?\b/<ipv6>/g
s/\b((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\b/<ipv4>/g
s/\b(4[0-9]{3}|5[1-5][0-9]{2}|3[47][0-9]{2}|6011)([ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}\b/<card>/g
s/\b[0-8][0-9]{2}-[0-9]{2}-[0-9]{4}\b/<national-id>/g
s/\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b/<national-id>/g
s/\+[0-9]{1,3}([ .-]?(\([0-9]{1,4}\)|[0-9]{2,4})){1,6}\b|\([0-9]{3}\) ?[0-9]{3}[-. ][0-9]{4}\b|\b[0-9]{3}[-.][0-9]{3}[-.][0-9]{4}\b/<phone>/g
