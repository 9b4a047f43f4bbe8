/*
Copyright The Helm Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// helm-reference renders a chart the way Helm 3.19.2's install/upgrade does, as an independent reference
// for the TypeScript renderer. It reads one JSON request on stdin and writes one JSON answer on stdout.
// A chart that fails to load or render is an answer ({"ok": false, "error": ...}, exit code 0); only a
// malformed request exits non-zero (2), with the reason on stderr.
//
// The flow follows pkg/action/install.go (Install.RunWithContext: release-name check,
// ProcessDependenciesWithMerge, ToRenderValues) and pkg/action/action.go (Configuration.renderResources:
// kubeVersion check, engine render, NOTES.txt extraction, SortManifests). Both are Helm's code (Apache 2.0);
// the parts that talk to a cluster or a release store are not ported.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v2"
)

// request is the JSON read from stdin.
type request struct {
	Chart               string                 `json:"chart"`
	Values              map[string]interface{} `json:"values"`
	ReleaseName         string                 `json:"releaseName"`
	Namespace           string                 `json:"namespace"`
	KubeVersion         string                 `json:"kubeVersion"`
	APIVersions         []string               `json:"apiVersions"`
	IsUpgrade           bool                   `json:"isUpgrade"`
	Revision            int                    `json:"revision"`
	DeterministicRandom bool                   `json:"deterministicRandom"`
}

// objectOut is one manifest document of the release.
type objectOut struct {
	Template   string      `json:"template"`
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Name       string      `json:"name"`
	Content    string      `json:"content"`
	Document   interface{} `json:"document"`
}

// hookOut is one hook document with its hook annotations as Helm parsed them.
type hookOut struct {
	objectOut
	Events            []HookEvent           `json:"events"`
	Weight            int                   `json:"weight"`
	DeletePolicies    []HookDeletePolicy    `json:"deletePolicies"`
	OutputLogPolicies []HookOutputLogPolicy `json:"outputLogPolicies"`
}

// answer is the JSON written to stdout for a rendered release.
type answer struct {
	OK        bool              `json:"ok"`
	Templates map[string]string `json:"templates"`
	Objects   []objectOut       `json:"objects"`
	Hooks     []hookOut         `json:"hooks"`
	// Notes is the parent chart's rendered NOTES.txt, null when the chart has none.
	Notes *string `json:"notes"`
	// Warnings are the lines Helm would log while loading, coalescing values and sorting manifests.
	Warnings []string `json:"warnings"`
}

// failure is the JSON written to stdout when Helm would have failed: Error is Helm's error text.
type failure struct {
	OK       bool     `json:"ok"`
	Error    string   `json:"error"`
	Warnings []string `json:"warnings"`
}

// helmVersion is the fixed .Capabilities.HelmVersion: the v3.19.2 tag as Helm's release build stamps it.
var helmVersion = BuildInfo{
	Version:      "v3.19.2",
	GitCommit:    "8766e718a0119851f10ddbe4577593a45fadf544",
	GitTreeState: "clean",
}

// notesFileSuffix is pkg/action/install.go's constant.
const notesFileSuffix = "NOTES.txt"

func main() {
	var req request
	dec := json.NewDecoder(os.Stdin)
	if err := dec.Decode(&req); err != nil {
		fmt.Fprintf(os.Stderr, "helm-reference: invalid request: %v\n", err)
		os.Exit(2)
	}
	if err := checkRequest(&req); err != nil {
		fmt.Fprintf(os.Stderr, "helm-reference: invalid request: %v\n", err)
		os.Exit(2)
	}

	// Helm logs its warnings with the standard logger; collect them for the answer instead.
	var logs bytes.Buffer
	log.SetFlags(0)
	log.SetOutput(&logs)

	ans, err := renderRequest(&req)
	var result interface{}
	if err != nil {
		result = failure{OK: false, Error: err.Error(), Warnings: splitLines(logs.String())}
	} else {
		ans.Warnings = splitLines(logs.String())
		result = ans
	}

	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	if err := out.Encode(result); err != nil {
		fmt.Fprintf(os.Stderr, "helm-reference: cannot write the answer: %v\n", err)
		os.Exit(1)
	}
}

// checkRequest rejects requests that are a caller's mistake rather than a chart's, and fills defaults.
func checkRequest(req *request) error {
	if req.Chart == "" {
		return fmt.Errorf("chart is required")
	}
	if req.KubeVersion == "" {
		return fmt.Errorf("kubeVersion is required")
	}
	if req.Namespace == "" {
		req.Namespace = "default"
	}
	if req.Revision == 0 {
		req.Revision = 1
	}
	if req.Values == nil {
		req.Values = map[string]interface{}{}
	}
	if req.APIVersions == nil {
		req.APIVersions = []string{}
	}
	return nil
}

// renderRequest never panics: Helm's engine recovers template panics itself, and anything else is
// reported as a failed render so the caller always gets an answer.
func renderRequest(req *request) (ans *answer, err error) {
	defer func() {
		if r := recover(); r != nil {
			ans, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return render(req)
}

var kubeVersionPattern = regexp.MustCompile(`^v?([0-9]+)\.([0-9]+)`)

// capabilitiesFor builds what Configuration.getCapabilities reads from discovery: the server's GitVersion
// with its major and minor parts, and exactly the API versions the request lists.
func capabilitiesFor(req *request) (*Capabilities, error) {
	m := kubeVersionPattern.FindStringSubmatch(req.KubeVersion)
	if m == nil {
		return nil, fmt.Errorf("could not parse %q as version", req.KubeVersion)
	}
	return &Capabilities{
		KubeVersion: KubeVersion{Version: req.KubeVersion, Major: m[1], Minor: m[2]},
		APIVersions: VersionSet(req.APIVersions),
		HelmVersion: helmVersion,
	}, nil
}

func render(req *request) (*answer, error) {
	// Install.availableName: the release name check (the store lookup needs a cluster).
	if err := ValidateReleaseName(req.ReleaseName); err != nil {
		return nil, wrapErr(err, "release name %q", req.ReleaseName)
	}

	chrt, err := loadChart(req.Chart)
	if err != nil {
		return nil, err
	}

	vals := req.Values
	if err := ProcessDependenciesWithMerge(chrt, vals); err != nil {
		return nil, err
	}

	caps, err := capabilitiesFor(req)
	if err != nil {
		return nil, err
	}
	options := ReleaseOptions{
		Name:      req.ReleaseName,
		Namespace: req.Namespace,
		Revision:  req.Revision,
		IsInstall: !req.IsUpgrade,
		IsUpgrade: req.IsUpgrade,
	}
	valuesToRender, err := ToRenderValues(chrt, vals, options, caps)
	if err != nil {
		return nil, err
	}

	// ---- Configuration.renderResources ----
	if chrt.Metadata.KubeVersion != "" {
		if !IsCompatibleRange(chrt.Metadata.KubeVersion, caps.KubeVersion.String()) {
			return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s",
				chrt.Metadata.KubeVersion, caps.KubeVersion.String())
		}
	}

	e := Engine{DeterministicRandom: req.DeterministicRandom}
	files, err := e.Render(chrt, valuesToRender)
	if err != nil {
		return nil, err
	}

	templates := make(map[string]string, len(files))
	for k, v := range files {
		templates[k] = v
	}

	// NOTES.txt is rendered like any template but is neither a hook nor a resource. Install.SubNotes is
	// false for helm-controller, so only the parent chart's notes are kept; every NOTES.txt is removed.
	var notesBuffer bytes.Buffer
	notesFound := false
	for k, v := range files {
		if strings.HasSuffix(k, notesFileSuffix) {
			if k == path.Join(chrt.Name(), "templates", notesFileSuffix) {
				// If buffer contains data, add newline before adding more
				if notesBuffer.Len() > 0 {
					notesBuffer.WriteString("\n")
				}
				notesBuffer.WriteString(v)
				notesFound = true
			}
			delete(files, k)
		}
	}

	hooks, manifests, err := SortManifests(files, nil, InstallOrder)
	if err != nil {
		return nil, err
	}

	ans := &answer{OK: true, Templates: templates, Objects: []objectOut{}, Hooks: []hookOut{}}
	if notesFound {
		notes := notesBuffer.String()
		ans.Notes = &notes
	}
	for _, m := range manifests {
		ans.Objects = append(ans.Objects, newObjectOut(m.Name, m.Content, m.Head))
	}
	for _, h := range hooks {
		var head SimpleHead
		// The manifest already parsed once in SortManifests, so this cannot fail.
		_ = sigsUnmarshal([]byte(h.Manifest), &head)
		ans.Hooks = append(ans.Hooks, hookOut{
			objectOut:         newObjectOut(h.Path, h.Manifest, &head),
			Events:            h.Events,
			Weight:            h.Weight,
			DeletePolicies:    h.DeletePolicies,
			OutputLogPolicies: h.OutputLogPolicies,
		})
	}
	return ans, nil
}

// newObjectOut describes one document; document is the text as yaml.v2 reads it, with map keys made
// strings the way sigs.k8s.io/yaml does before JSON encoding (null for a document that is only comments).
func newObjectOut(template, content string, head *SimpleHead) objectOut {
	o := objectOut{Template: template, Content: content}
	if head != nil {
		o.APIVersion = head.Version
		o.Kind = head.Kind
		if head.Metadata != nil {
			o.Name = head.Metadata.Name
		}
	}
	var doc interface{}
	if err := yaml.Unmarshal([]byte(content), &doc); err == nil {
		if converted, err := convertToJSONableObject(doc, nil); err == nil {
			o.Document = converted
		}
	}
	return o
}

func splitLines(s string) []string {
	lines := []string{}
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}
