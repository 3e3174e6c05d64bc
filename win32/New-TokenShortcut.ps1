<#
.SYNOPSIS
    Creates a shortcut "Connect <config> (token)" that opens a console running
    `ovpn-token.cmd start <config>`: double-click, type the token PIN, Ctrl-C to disconnect.

.DESCRIPTION
    The shortcut starts ovpn-token.cmd from the folder of this script (where ovpn-token.exe is),
    so a failure stays readable in the window.  <config> is what `ovpn-token start` takes: a path,
    or a bare name looked up like OpenVPN GUI does (%USERPROFILE%\OpenVPN\config, then OpenVPN's
    config_dir).  By default the shortcut goes on the desktop; -StartMenu puts it into the user's
    Start menu as well.

.EXAMPLE
    .\New-TokenShortcut.ps1 office
.EXAMPLE
    .\New-TokenShortcut.ps1 -Config C:\vpn\office.ovpn -StartMenu -Cert "Anna"
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)] [string] $Config,
    [switch] $StartMenu,
    [switch] $NoDesktop,
    # Passed on as --cert PATTERN when the token holds several certificates.
    [string] $Cert
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$launcher = Join-Path $here 'ovpn-token.cmd'
if (-not (Test-Path -LiteralPath (Join-Path $here 'ovpn-token.exe'))) {
    throw "ovpn-token.exe is not next to this script ($here)"
}

# One argument string for cmd.exe: each value in double quotes (Windows paths cannot hold ").
function Quote([string] $s) {
    if ($s.Contains('"')) { throw "a double quote cannot be passed: $s" }
    return '"' + $s + '"'
}
$arguments = '/c ' + (Quote $launcher) + ' start'
if ($Cert) { $arguments += ' --cert ' + (Quote $Cert) }
$arguments += ' ' + (Quote $Config)

$name = [IO.Path]::GetFileNameWithoutExtension($Config)
# Characters a file name cannot hold become '_'.
foreach ($c in [IO.Path]::GetInvalidFileNameChars()) { $name = $name.Replace($c, '_') }
$title = "Connect $name (token)"

$folders = @()
if (-not $NoDesktop) { $folders += [Environment]::GetFolderPath('Desktop') }
if ($StartMenu) { $folders += Join-Path ([Environment]::GetFolderPath('Programs')) 'ovpn-token' }
if ($folders.Count -eq 0) { throw 'nothing to do: -NoDesktop without -StartMenu' }

$shell = New-Object -ComObject WScript.Shell
foreach ($folder in $folders) {
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $path = Join-Path $folder "$title.lnk"
    $lnk = $shell.CreateShortcut($path)
    $lnk.TargetPath = Join-Path $env:SystemRoot 'System32\cmd.exe'
    $lnk.Arguments = $arguments
    $lnk.WorkingDirectory = $here
    $lnk.Description = "OpenVPN connection $name with a smartcard or USB token"
    $lnk.IconLocation = (Join-Path $here 'ovpn-token.exe') + ',0'
    $lnk.WindowStyle = 1   # a normal window: the PIN prompt must be visible
    $lnk.Save()
    Write-Output "Created $path"
}
