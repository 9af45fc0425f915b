variable "do_token" {
  description = "DigitalOcean API token (or leave empty and export DIGITALOCEAN_TOKEN)."
  type        = string
  sensitive   = true
  default     = null
}

variable "name" {
  description = "Prefix of every resource name, and the tag that marks the swarm's droplets."
  type        = string
  default     = "minitwit"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "region" {
  description = "DigitalOcean region slug."
  type        = string
  default     = "fra1"
}

variable "image" {
  description = "Droplet image slug."
  type        = string
  default     = "ubuntu-24-04-x64"
}

variable "manager_size" {
  description = "Droplet size of the manager (runs PostgreSQL unless managed_database, and the monitoring)."
  type        = string
  default     = "s-2vcpu-4gb"
}

variable "worker_size" {
  description = "Droplet size of each worker (runs the app replicas)."
  type        = string
  default     = "s-1vcpu-2gb"
}

variable "worker_count" {
  description = "Number of worker droplets. The app is placed on workers only, so at least one."
  type        = number
  default     = 2

  validation {
    condition     = var.worker_count >= 1 && var.worker_count <= 20
    error_message = "worker_count must be between 1 and 20."
  }
}

variable "ssh_key_fingerprints" {
  description = "Fingerprints of SSH keys already uploaded to DigitalOcean, installed for root on every droplet."
  type        = list(string)

  validation {
    condition     = length(var.ssh_key_fingerprints) > 0
    error_message = "At least one SSH key fingerprint is needed to reach the droplets."
  }
}

variable "ssh_private_key_path" {
  description = "Private key matching one of ssh_key_fingerprints; Terraform uses it to initialise the swarm."
  type        = string
  default     = "~/.ssh/id_ed25519"
}

variable "managed_database" {
  description = "Create a managed PostgreSQL 15 cluster instead of running PostgreSQL in the swarm."
  type        = bool
  default     = false
}

variable "database_size" {
  description = "Size slug of the managed database node (when managed_database)."
  type        = string
  default     = "db-s-1vcpu-1gb"
}
