-- Quarto's conditional content for plain pandoc: keep a div's content only
-- when the output format matches (html -> html*, pdf -> typst/latex).
local function matches(fmt)
  for name in string.gmatch(fmt, "[^%s,]+") do
    if name == "html" and FORMAT:match("html") then return true end
    if name == "pdf" and (FORMAT == "typst" or FORMAT == "latex" or FORMAT == "pdf") then return true end
    if name == "typst" and FORMAT == "typst" then return true end
    if FORMAT == name then return true end
  end
  return false
end

function Div(el)
  local visible = el.classes:includes("content-visible")
  local hidden = el.classes:includes("content-hidden")
  if not visible and not hidden then return nil end
  local when = el.attributes["when-format"]
  local unless = el.attributes["unless-format"]
  local show
  if when then show = matches(when) elseif unless then show = not matches(unless) else show = true end
  if hidden then show = not show end
  if show then return el.content end
  return {}
end
