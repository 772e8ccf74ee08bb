# The workbook's check for PowerShell, without `dotnet run`'s start-up: runs the built check command, and builds it
# first only when the check's own files changed since its last build. Same arguments as `dotnet run --project tests/Workbook.Check --`.
$tool = Join-Path $PSScriptRoot 'tests/Workbook.Check'
$stamp = Join-Path $tool 'obj/check.stamp'
$sources = @($tool, (Join-Path $PSScriptRoot 'tests/Workbook.Grading')) | ForEach-Object { Get-ChildItem $_ -Recurse -File } |
    Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
$sources += Get-Item (Join-Path $PSScriptRoot 'Directory.Build.props'), (Join-Path $PSScriptRoot 'Directory.Packages.props')
if (-not (Test-Path $stamp) -or ($sources | Where-Object { $_.LastWriteTimeUtc -gt (Get-Item $stamp).LastWriteTimeUtc })) {
    dotnet build $tool -v q --nologo | Out-Null
    if ($LASTEXITCODE -ne 0) { dotnet build $tool --nologo; exit 1 }
    New-Item -ItemType File -Force $stamp | Out-Null
}
dotnet (Join-Path $tool 'bin/Debug/net10.0/Workbook.Check.dll') @args
exit $LASTEXITCODE
