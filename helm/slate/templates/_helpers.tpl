{{/* Names, labels and shared snippets of the Slate chart. */}}

{{- define "slate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "slate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* a component's object name: fullname-component (fullname is at most 50 characters) */}}
{{- define "slate.componentName" -}}
{{- printf "%s-%s" (include "slate.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "slate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* selector labels of one component: dict "root" $ "component" "appliance" */}}
{{- define "slate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slate.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "slate.labels" -}}
{{ include "slate.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: slate
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "slate.chart" .root }}
{{- end -}}

{{/* labels every pod of the release carries (the default-deny NetworkPolicy selects them) */}}
{{- define "slate.releaseSelector" -}}
app.kubernetes.io/name: {{ include "slate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* image reference: dict "root" $ "image" .Values.x.image ; digest wins over tag */}}
{{- define "slate.image" -}}
{{- $registry := .root.Values.image.registry -}}
{{- $repo := .image.repository -}}
{{- if $registry -}}{{- $repo = printf "%s/%s" (trimSuffix "/" $registry) $repo -}}{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repo .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "slate.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* pod-level securityContext: dict "runAsUser" N */}}
{{- define "slate.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .runAsUser }}
  runAsGroup: {{ .runAsUser }}
  fsGroup: {{ .runAsUser }}
  fsGroupChangePolicy: OnRootMismatch
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* container-level securityContext, the same for every container of the chart */}}
{{- define "slate.containerSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  readOnlyRootFilesystem: true
  allowPrivilegeEscalation: false
  privileged: false
  capabilities:
    drop: ["ALL"]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- define "slate.serviceAccountName" -}}
{{- default (include "slate.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* --- where PostgreSQL and Redis are, and which Secrets hold their credentials --- */}}

{{- define "slate.postgresql.host" -}}
{{- if .Values.postgresql.bundled -}}
{{- include "slate.componentName" (dict "root" . "component" "postgresql") -}}
{{- else -}}
{{- required "postgresql.external.host is required when postgresql.bundled is false" .Values.postgresql.external.host -}}
{{- end -}}
{{- end -}}

{{- define "slate.postgresql.port" -}}
{{- if .Values.postgresql.bundled -}}5432{{- else -}}{{ .Values.postgresql.external.port }}{{- end -}}
{{- end -}}

{{- define "slate.postgresql.secretName" -}}
{{- if .Values.postgresql.bundled -}}
{{- default (include "slate.componentName" (dict "root" . "component" "postgresql")) .Values.postgresql.bundledSettings.existingSecret -}}
{{- else -}}
{{- required "postgresql.external.existingSecret is required when postgresql.bundled is false" .Values.postgresql.external.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "slate.postgresql.passwordKey" -}}
{{- if .Values.postgresql.bundled -}}password{{- else -}}{{ .Values.postgresql.external.passwordKey }}{{- end -}}
{{- end -}}

{{/* env entries DB_USER_VAR and DB_PASSWORD_VAR: dict "root" $ "userVar" "X" "passwordVar" "Y" */}}
{{- define "slate.postgresql.credentialEnv" -}}
{{- $root := .root -}}
{{- if and (not $root.Values.postgresql.bundled) $root.Values.postgresql.external.usernameKey }}
- name: {{ .userVar }}
  valueFrom:
    secretKeyRef:
      name: {{ include "slate.postgresql.secretName" $root }}
      key: {{ $root.Values.postgresql.external.usernameKey }}
{{- else }}
- name: {{ .userVar }}
  value: {{ $root.Values.postgresql.username | quote }}
{{- end }}
- name: {{ .passwordVar }}
  valueFrom:
    secretKeyRef:
      name: {{ include "slate.postgresql.secretName" $root }}
      key: {{ include "slate.postgresql.passwordKey" $root }}
{{- end -}}

{{- define "slate.redis.secretName" -}}
{{- if .Values.redis.bundled -}}
{{- default (include "slate.componentName" (dict "root" . "component" "redis")) .Values.redis.bundledSettings.existingSecret -}}
{{- else -}}
{{- required "redis.external.existingSecret is required when redis.bundled is false" .Values.redis.external.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "slate.keycloak.secretName" -}}
{{- default (include "slate.componentName" (dict "root" . "component" "keycloak")) .Values.keycloak.existingSecret -}}
{{- end -}}

{{- define "slate.appliance.secretStoreSecretName" -}}
{{- default (include "slate.componentName" (dict "root" . "component" "secret-store")) .Values.appliance.secretStoreKey.existingSecret -}}
{{- end -}}

{{/* the in-cluster Keycloak URL (JWKS, token endpoint) and the public one (token issuer) */}}
{{- define "slate.keycloak.internalUrl" -}}
{{- printf "http://%s:8080" (include "slate.componentName" (dict "root" . "component" "keycloak")) -}}
{{- end -}}

{{- define "slate.keycloak.publicUrl" -}}
{{- default (include "slate.keycloak.internalUrl" .) (trimSuffix "/" .Values.keycloak.hostname) -}}
{{- end -}}

{{/* appliance replicas that may run at once at least (HPA minimum or fixed count) */}}
{{- define "slate.appliance.minReplicas" -}}
{{- if .Values.appliance.autoscaling.enabled -}}{{ .Values.appliance.autoscaling.minReplicas }}{{- else -}}{{ .Values.appliance.replicas }}{{- end -}}
{{- end -}}

{{/* A generated Secret value that survives upgrades: on `helm upgrade` the one already in the cluster,
     else a new random one. (Only on upgrade: `helm template` and a first install have no cluster to ask.)
     The installer's applier creates such Secrets once and never replaces them (annotation
     slate.dev/apply-policy: create-only). dict "root" $ "name" SECRET "key" KEY "value" NEW */}}
{{- define "slate.keptSecretValue" -}}
{{- $existing := dict -}}
{{- if .root.Release.IsUpgrade -}}
{{- $existing = lookup "v1" "Secret" .root.Release.Namespace .name | default dict -}}
{{- end -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- .value | b64enc -}}
{{- end -}}
{{- end -}}

{{/* annotations of a Secret the chart generates */}}
{{- define "slate.generatedSecretAnnotations" -}}
# losing it loses data (a key or a password a data directory was initialised with): kept on uninstall,
# and created once, never replaced, by the installer's applier
helm.sh/resource-policy: keep
slate.dev/apply-policy: create-only
{{- end -}}

{{/* The namespaced objects the environment reconciler owns. get/list/watch: desired-vs-actual
     comparison, the drift watch and status (ready replicas); create+patch: server-side apply (an
     apply is a PATCH, and creates what is missing); delete: garbage collection when an environment
     is deleted. No update, deletecollection, escalate, bind or impersonate; no Secrets, Pods or exec. */}}
{{- define "slate.reconcilerRules" -}}
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
{{- end -}}

{{/* egress to the cluster DNS only */}}
{{- define "slate.dnsEgress" -}}
# name lookups, only at the cluster DNS
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  to:
    - namespaceSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 10 }}
      podSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 10 }}
{{- end -}}
